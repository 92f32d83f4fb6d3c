#!/usr/bin/env bash
# make-capture.sh - make the benchmark capture with real clients and servers.
#
#   sudo bash bench/make-capture.sh [--packets N] [--out FILE.pcap]
#
# (default: 1,200,000 packets into /tmp/dxbench/bench.pcap; the TLS key log is
# written beside it as FILE.keylog). The capture is never committed: it is
# several hundred MB.
#
# What it holds: the traffic of a busy host, made for real inside a network
# namespace of its own ("dxbench", created here and deleted at the end), on
# loopback with MTU 1500 and TSO/GSO/GRO off (so TCP segments carry at most
# 1448 bytes of payload over IPv4, as on Ethernet with timestamps), captured by
# tcpdump inside the namespace:
#   - HTTP/1.1 keep-alive (h2load --h1: many connections at the same time, 3 to
#     12 requests each) and Connection: close (curl --parallel, one request a
#     connection), nginx serving small pages, a 24 KiB image and a 64 KiB file
#   - HTTPS with TLS 1.3 (ECDSA P-256 leaf) and TLS 1.2 (ECDHE-RSA, RSA 2048
#     leaf, on a second address whose server speaks TLS 1.2 only), keep-alive
#     and Connection: close; every client writes its secrets (SSLKEYLOGFILE)
#   - DNS over UDP (dig batches: A, AAAA, CNAME, MX, TXT, SRV, NXDOMAIN, EDNS)
#     and over TCP (dig +tcp, a connection per query) to dnsmasq
#   - each kind over IPv4 and IPv6, all kinds running at the same time, so
#     thousands of connections are open at once and their packets interleave
# The load is made in rounds (all clients at once, each round about 240,000
# packets, smaller for a small N) until the capture holds N packets; about 25 TCP connections per
# 1000 packets. Every loop is bounded; servers, clients and tcpdump are stopped
# by their PIDs and the namespace is deleted, also on errors and Ctrl-C.
#
# Needs root and: ip (iproute2), ethtool, tcpdump, nginx, dnsmasq, dig, curl,
# h2load (nghttp2-client), openssl, capinfos and editcap (wireshark-common).
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C
NS=dxbench

die() {
  echo "make-capture: error: $*" >&2
  exit 1
}
log() { echo "make-capture: $*" >&2; }

packets=1200000
out=/tmp/dxbench/bench.pcap
inner=
while (($#)); do
  case $1 in
  --packets) packets=${2:?--packets needs a number}; shift 2 ;;
  --out) out=${2:?--out needs a file}; shift 2 ;;
  --inner) inner=1; shift ;;
  -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $packets =~ ^[0-9]+$ ]] && ((packets >= 1000)) || die "--packets: want a number >= 1000"
SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")

# ------------------------------------------------------------------ outside
if [[ -z $inner ]]; then
  [[ $EUID -eq 0 ]] || die "must run as root (it creates a network namespace): sudo bash $0"
  for t in ip ethtool tcpdump nginx dnsmasq dig curl h2load openssl capinfos editcap; do
    command -v "$t" >/dev/null || die "$t is missing (Debian: iproute2 ethtool tcpdump nginx dnsmasq-base bind9-dnsutils curl nghttp2-client openssl wireshark-common)"
  done
  mkdir -p "$(dirname "$out")"
  out=$(readlink -f "$out")
  ns_down() { # stop what is left in the namespace (by PID) and delete it
    local p
    [[ $(ip netns list) =~ (^|$'\n')$NS( |$) ]] || return 0
    for p in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$NS"
  }
  if [[ $(ip netns list) =~ (^|$'\n')$NS( |$) ]]; then
    log "namespace $NS exists (an earlier run that did not finish): removing it"
    ns_down
  fi
  ip netns add "$NS"
  trap ns_down EXIT
  trap 'exit 130' INT TERM
  ip netns exec "$NS" bash "$SCRIPT" --inner --packets "$packets" --out "$out"
  exit $?
fi

# ------------------------------------------------------------------ inside
[[ $(ip -o link show | wc -l) -eq 1 ]] || die "not alone in a private namespace"
ip link set lo up mtu 1500
ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true
features=$(ethtool -k lo)
for f in tcp-segmentation-offload generic-segmentation-offload generic-receive-offload; do
  grep -q "^$f: off" <<<"$features" || die "could not turn off $f on lo"
done
# a second server address (TEST-NET) for the TLS 1.2-only server; a non-loopback
# address of each family also lets getaddrinfo(AI_ADDRCONFIG) of h2load resolve
ip addr add 192.0.2.2/32 dev lo
ip -6 addr add 2001:db8::2/128 dev lo nodad
sysctl -q -w net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1 \
  net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096

W=$(mktemp -d /tmp/dxbench-work.XXXXXX)
PIDS=()
CAP_PID=
cleanup() {
  local rc=$? p
  set +e
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [[ -n $CAP_PID ]]; then
    kill -INT "$CAP_PID" 2>/dev/null
    wait "$CAP_PID" 2>/dev/null
  fi
  [[ -s $W/nginx.pid ]] && kill -QUIT "$(<"$W/nginx.pid")" 2>/dev/null
  [[ -s $W/dnsmasq.pid ]] && kill -TERM "$(<"$W/dnsmasq.pid")" 2>/dev/null
  sleep 0.3
  rm -rf "$W"
  ((rc == 0)) || log "FAILED (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ content
mkdir -p "$W/www/img" "$W/www/api" "$W/tmp" "$W/pki"
{
  echo '<!DOCTYPE html><html><head><title>libdissect bench</title>'
  echo '<link rel="stylesheet" href="/style.css"><script src="/app.js"></script></head><body>'
  seq -f '<p>paragraph %g of the benchmark page, served by nginx in a namespace</p>' 1 20
  echo '</body></html>'
} >"$W/www/index.html"
seq 1 40 | awk '{ printf ".c%d { margin: %dpx; color: #224; }\n", $1, $1 }' >"$W/www/style.css"
seq 1 300 | awk '{ printf "function f%d(x) { return x * %d + 1; }\n", $1, $1 }' >"$W/www/app.js"
seq -f '{"id":%g,"name":"item","ok":true},' 1 30 | sed '1s/^/[/; $s/,$/]/' >"$W/www/api/items.json"
head -c 24576 /dev/urandom >"$W/www/img/photo.jpg"
seq -f 'benchmark line %06g: the quick brown fox jumps over the lazy dog' 1 1100 >"$W/www/large.txt"
truncate -s 65536 "$W/www/large.txt"
printf 'User-agent: *\nDisallow:\n' >"$W/www/robots.txt"

# ------------------------------------------------------------------ PKI
(
  cd "$W/pki"
  exec 2>openssl.log
  cat >ext.cnf <<'EOF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test, DNS:*.example.test, IP:127.0.0.1, IP:192.0.2.2, IP:::1, IP:2001:db8::2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
    -subj "/O=libdissect/CN=libdissect Bench Root CA" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out root.pem
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out inter.key
  openssl req -new -key inter.key -subj "/O=libdissect/CN=libdissect Bench Intermediate CA" -out inter.csr
  openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -days 3650 -set_serial 0x6b01 \
    -sha256 -extfile ext.cnf -extensions ca -out inter.pem
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf-ec.key
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf-rsa.key
  for k in ec rsa; do
    openssl req -new -key "leaf-$k.key" -subj "/O=libdissect/CN=www.example.test" -out "leaf-$k.csr"
    openssl x509 -req -in "leaf-$k.csr" -CA inter.pem -CAkey inter.key -days 825 -sha256 \
      -set_serial "0x6b1$([[ $k == ec ]] && echo 0 || echo 1)" -extfile ext.cnf -extensions leaf \
      -out "leaf-$k.pem"
    cat "leaf-$k.pem" inter.pem >"chain-$k.pem"
  done
) || {
  cat "$W/pki/openssl.log" >&2
  die "certificate generation failed"
}

# ------------------------------------------------------------------ servers
cat >"$W/nginx.conf" <<EOF
user root root;
daemon on;
worker_processes 1;
worker_rlimit_nofile 16384;
pid $W/nginx.pid;
error_log $W/nginx-error.log crit;
events { worker_connections 8192; }
http {
    access_log off;
    server_tokens off;
    types { text/html html; text/css css; text/plain txt; application/json json;
            application/javascript js; image/jpeg jpg; }
    default_type application/octet-stream;
    client_body_temp_path $W/tmp/body;
    proxy_temp_path $W/tmp/proxy;
    fastcgi_temp_path $W/tmp/fastcgi;
    uwsgi_temp_path $W/tmp/uwsgi;
    scgi_temp_path $W/tmp/scgi;
    keepalive_timeout 30;
    keepalive_requests 1000;
    server {
        listen 127.0.0.1:80 backlog=4096;
        listen [::1]:80 backlog=4096;
        root $W/www;
    }
    # TLS 1.3 (and 1.2) with the ECDSA leaf
    server {
        listen 127.0.0.1:443 ssl backlog=4096;
        listen [::1]:443 ssl backlog=4096;
        root $W/www;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_certificate $W/pki/chain-ec.pem;
        ssl_certificate_key $W/pki/leaf-ec.key;
    }
    # TLS 1.2 only, ECDHE-RSA with the RSA leaf
    server {
        listen 192.0.2.2:443 ssl backlog=4096;
        listen [2001:db8::2]:443 ssl backlog=4096;
        root $W/www;
        ssl_protocols TLSv1.2;
        ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_certificate $W/pki/chain-rsa.pem;
        ssl_certificate_key $W/pki/leaf-rsa.key;
    }
}
EOF
nginx -q -t -p "$W/" -c "$W/nginx.conf" -e "$W/nginx-error.log" 2>"$W/nginx-t.err" \
  || { cat "$W/nginx-t.err" >&2; die "nginx config test failed"; }
nginx -p "$W/" -c "$W/nginx.conf" -e "$W/nginx-error.log" || die "nginx failed to start"

dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll --port=53 \
  --listen-address=127.0.0.1 --listen-address=::1 --bind-interfaces \
  --user=root --group=root --pid-file="$W/dnsmasq.pid" --log-facility="$W/dnsmasq.log" \
  --auth-server=ns1.example.test,127.0.0.1 --auth-zone=example.test,127.0.0.0/8,::1/128 \
  --auth-soa=2024010101,hostmaster.example.test,3600,600,86400 --auth-ttl=300 \
  --local=/example.test/ --host-record=ns1.example.test,127.0.0.53 \
  --host-record=www.example.test,127.0.0.1,::1 --host-record=api.example.test,192.0.2.2,2001:db8::2 \
  --host-record=mail.example.test,192.0.2.25 --cname=alias.example.test,www.example.test \
  --cname=cdn.example.test,api.example.test --mx-host=example.test,mail.example.test,10 \
  "--txt-record=example.test,v=spf1 -all,libdissect bench zone" \
  --srv-host=_http._tcp.example.test,www.example.test,80,0,10 || die "dnsmasq failed to start"

for ((i = 0; i < 50; i++)); do
  if curl -s -o /dev/null --max-time 1 http://127.0.0.1/index.html \
    && dig @127.0.0.1 +tries=1 +time=1 +short www.example.test A | grep -q 127.0.0.1; then
    break
  fi
  ((i < 49)) || die "nginx or dnsmasq does not answer"
  sleep 0.1
done

# ------------------------------------------------------------------ clients
# DNS query batches (dig -f): a mix of types and answers
qnames=(www.example.test alias.example.test api.example.test cdn.example.test mail.example.test
  example.test _http._tcp.example.test nosuch.example.test ns1.example.test)
qtypes=(A AAAA A A A MX SRV A A)
: >"$W/dns-batch"
for ((i = 0; i < 200; i++)); do
  k=$((i % ${#qnames[@]}))
  t=${qtypes[$k]}
  ((i % 7 == 3)) && t=AAAA
  ((i % 11 == 5)) && { k=5; t=TXT; }
  ((i % 13 == 0)) && t="$t +noedns"
  echo "${qnames[$k]} $t"
done >"$W/dns-batch"
head -n 50 "$W/dns-batch" >"$W/dns-batch-tcp"

# URI lists for h2load: each keep-alive connection asks for these in order
printf '%s\n' /index.html /style.css /app.js /img/photo.jpg /api/items.json /robots.txt \
  /index.html /api/items.json /large.txt /style.css /api/items.json /img/photo.jpg >"$W/paths"
uris() { # BASE N: the first N paths under BASE
  head -n "$2" "$W/paths" | sed "s|^|$1|"
}
count() { cat /sys/class/net/lo/statistics/tx_packets; }

# h2 ARGS...: run h2load, fail unless every request succeeded
h2() {
  local log=$W/h2load-$BASHPID.log
  timeout 300 h2load --h1 -t 1 "$@" >"$log" 2>&1 && grep -q ', 0 failed, 0 errored' "$log" \
    || { log "h2load $* failed:"; tail -n 5 "$log" >&2; return 1; }
}
# A round is about 240,000 packets; a smaller capture gets smaller rounds (the
# same mix): sc N is N scaled, h2s CLIENTS REQUESTS-EACH ARGS... runs h2load so.
scale=$((packets * 100 / 240000 + 1))
((scale <= 100)) || scale=100
sc() { echo $((($1 * scale + 99) / 100)); }
h2s() {
  local c
  c=$(sc "$1")
  h2 -c "$c" -n $((c * $2)) "${@:3}"
}
# addresses K: the server addresses of the K-th client run (even K: IPv4,
# odd K: IPv6), so that both families are on the link at the same time
addresses() {
  if (($1 % 2 == 0)); then
    a80=127.0.0.1 a12=192.0.2.2 dns=127.0.0.1
  else
    a80="[::1]" a12="[2001:db8::2]" dns=::1
  fi
}
# One round: every kind of client at once (6 client processes); a full round makes
# about 240,000 packets in about 6,200 TCP connections.
round() {
  local r=$1 host=www.example.test pids=() p rc=0 a80 a12 dns
  uris "http://$host" 3 >"$W/u3"
  uris "http://$host" 6 >"$W/u6"
  uris "http://$host" 12 >"$W/u12"
  uris "https://$host" 2 >"$W/s2"
  uris "https://$host" 4 >"$W/s4"
  uris "https://api.example.test" 3 >"$W/s3"
  uris "https://api.example.test" 6 >"$W/s6"
  # HTTP keep-alive: 900 connections of 3, 6 or 12 requests
  {
    addresses "$r"; h2s 300 3 -i "$W/u3" --connect-to="$a80:80"
    addresses $((r + 1)); h2s 200 6 -i "$W/u6" --connect-to="$a80:80"
    addresses "$r"; h2s 300 3 -i "$W/u3" --connect-to="$a80:80"
    addresses $((r + 1)); h2s 100 12 -i "$W/u12" --connect-to="$a80:80"
  } &
  pids+=($!)
  # HTTP with Connection: close (curl, 40 at a time): 2,000 connections
  {
    for ((k = 0; k < 4; k++)); do
      addresses $((r + k))
      for ((j = 0; j < $(sc 500); j++)); do
        echo "url = \"http://$host$(sed -n "$((j % 12 + 1))p" "$W/paths")\""
      done >"$W/close.cfg"
      timeout 300 curl --http1.1 -sS --no-progress-meter --fail --parallel --parallel-max 40 \
        --connect-to "::$a80:" -H 'Connection: close' -K "$W/close.cfg" >/dev/null || exit 1
    done
  } &
  pids+=($!)
  # TLS 1.3 (and ECDSA): 1,600 connections, keep-alive of 2 or 4 requests, or close
  {
    addresses "$r"
    SSLKEYLOGFILE=$W/keys-$r-13a.log h2s 400 4 -i "$W/s4" --connect-to="$a80:443"
    addresses $((r + 1))
    SSLKEYLOGFILE=$W/keys-$r-13b.log h2s 400 1 -i "$W/s4" --connect-to="$a80:443" \
      -H 'Connection: close'
    addresses "$r"
    SSLKEYLOGFILE=$W/keys-$r-13c.log h2s 400 2 -i "$W/s2" --connect-to="$a80:443"
    addresses $((r + 1))
    SSLKEYLOGFILE=$W/keys-$r-13d.log h2s 400 4 -i "$W/s4" --connect-to="$a80:443"
  } &
  pids+=($!)
  # TLS 1.2 (ECDHE-RSA): 1,200 connections of 3 or 6 requests
  {
    addresses $((r + 1))
    SSLKEYLOGFILE=$W/keys-$r-12a.log h2s 400 3 -i "$W/s3" --connect-to="$a12:443"
    addresses "$r"
    SSLKEYLOGFILE=$W/keys-$r-12b.log h2s 400 6 -i "$W/s6" --connect-to="$a12:443"
    addresses $((r + 1))
    SSLKEYLOGFILE=$W/keys-$r-12c.log h2s 400 3 -i "$W/s3" --connect-to="$a12:443"
  } &
  pids+=($!)
  # DNS over UDP: 2 x 12 x 200 queries; over TCP (a connection per query): 500
  {
    for ((k = 0; k < $(sc 12); k++)); do
      addresses $((r + k))
      timeout 120 dig "@$dns" +tries=1 +time=1 -f "$W/dns-batch" >/dev/null || exit 1
    done
  } &
  pids+=($!)
  {
    for ((k = 0; k < $(sc 10); k++)); do
      addresses $((r + k + 1))
      timeout 120 dig "@$dns" +tries=1 +time=1 -f "$W/dns-batch" >/dev/null || exit 1
      timeout 120 dig "@$dns" +tcp +tries=1 +time=1 -f "$W/dns-batch-tcp" >/dev/null || exit 1
    done
  } &
  pids+=($!)
  PIDS+=("${pids[@]}")
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  PIDS=()
  ((rc == 0)) || die "a client failed in round $r"
}

# ------------------------------------------------------------------ capture
tmpcap=$W/bench.pcap
tcpdump -i lo -n -B 262144 -Z root -w "$tmpcap" 2>"$W/tcpdump.err" &
CAP_PID=$!
for ((i = 0; i < 100; i++)); do
  grep -q 'listening on' "$W/tcpdump.err" && break
  kill -0 "$CAP_PID" 2>/dev/null || { cat "$W/tcpdump.err" >&2; die "tcpdump failed to start"; }
  ((i < 99)) || die "tcpdump did not start"
  sleep 0.05
done
start=$(count)
t0=$SECONDS
maxrounds=$((packets / 20000 + 10))
for ((r = 0; r < maxrounds; r++)); do
  (($(count) - start < packets)) || break
  round "$r"
  log "round $r: $(($(count) - start)) packets on lo, $((SECONDS - t0)) s"
done
sleep 1
kill -INT "$CAP_PID"
wait "$CAP_PID" || die "tcpdump exited with an error"
CAP_PID=
grep -q '^0 packets dropped by kernel' "$W/tcpdump.err" \
  || { cat "$W/tcpdump.err" >&2; die "tcpdump dropped packets (the machine is too busy? try again)"; }
cat "$W"/keys-*.log | awk 'NF && !seen[$0]++' >"$W/bench.keylog"
keylog=${out%.pcap}.keylog
# the last round ends past N packets: keep the first N (its last connections
# are cut, as when a capture is stopped)
got=$(capinfos -T -r -c -M "$tmpcap" | cut -f2)
# (written beside OUT and renamed: whoever is reading an older OUT keeps it)
if ((got > packets)); then
  editcap -r "$tmpcap" "$out.part" "1-$packets" || die "editcap failed"
  rm -f "$tmpcap"
else
  mv "$tmpcap" "$out.part"
fi
mv "$out.part" "$out"
mv "$W/bench.keylog" "$keylog.part"
mv "$keylog.part" "$keylog"
chmod 644 "$out" "$keylog"
log "$(grep 'packets captured' "$W/tcpdump.err") in $((SECONDS - t0)) s"
log "wrote $out ($(capinfos -T -r -c -M "$out" | cut -f2) packets, $(stat -c %s "$out") bytes) and $keylog ($(wc -l <"$keylog") lines)"
# the mix, counted by tcpdump (BPF) in the written file
n() { tcpdump -nn -q -r "$out" "$1" 2>/dev/null | wc -l; }
syn='(ip and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or (ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x02)'
log "TCP connections (SYN without ACK): $(n "$syn"), of them DNS over TCP: $(n "tcp port 53 and ($syn)");" \
  "IPv6 packets: $(n ip6); DNS over UDP packets: $(n 'udp port 53');" \
  "TCP port 80 packets: $(n 'tcp port 80'), port 443: $(n 'tcp port 443')"
