#!/usr/bin/env bash
# make-browser-samples.sh - captures of a real web browser (Debian's Chromium,
# headless) on loopback, for the tests that compare dissect with tshark on
# traffic none of our own clients wrote: Chromium's ClientHello (GREASE,
# post-quantum key shares, ECH GREASE, certificate compression), its HTTP/2
# (parallel streams, priorities, a large HPACK header set) and its QUIC/HTTP/3.
#
# What it makes (in the directory of this script; each with its key log, written
# by the browser itself through SSLKEYLOGFILE, and the proxy's for the proxy):
#   browser-h2.pcap (+ .keylog)   Chromium -> nginx, HTTPS with HTTP/2 (TLS 1.3):
#                                 a page with a style sheet, a script and 8 images
#                                 fetched in parallel streams, a fetch() POST of
#                                 JSON, a large text response compressed by nginx
#                                 (gzip), a 404
#   browser-proxy.pcap (+ .keylog, browser-proxy-user-root.pem,
#                       browser-proxy-server-root.pem)
#                                 the same page through an intercepting proxy
#                                 (mitmproxy, forging leaves under a root the
#                                 "user installed"): both legs, browser -> proxy
#                                 (CONNECT, then TLS to the forged leaf) and
#                                 proxy -> nginx (TLS to the genuine leaf)
#   quic-browser.pcap (+ .keylog) Chromium -> ngtcp2's HTTP/3 server (gtlsserver),
#                                 QUIC v1 forced for the origin: the page and its
#                                 resources as HTTP/3 requests on one connection
#
# What it needs: root (a private network namespace: unshare -n; every server,
# the browser and tcpdump run inside it, on loopback only) and the Debian
# packages chromium nginx mitmproxy ngtcp2-server tcpdump tshark openssl
# iproute2 ethtool util-linux.  Chromium runs with --no-sandbox (root, no user
# namespace for its sandbox) and a fresh profile in the work directory; its
# background services are switched off, and the capture filters keep only the
# sample's ports.  Certificates: a root and a leaf for www.example.test made
# here; the browser accepts the leaf by its public key
# (--ignore-certificate-errors-spki-list), so it still runs every check and
# sends what it would send to a trusted site.
#
# Usage: sudo bash samples/make-browser-samples.sh [NAME...]
#        NAME: browser-h2 browser-proxy quic-browser (default: all)
#        (MAKE_SAMPLES_KEEP=1 keeps the temporary work directory)
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
SAMPLES=$(dirname "$SCRIPT")
ALL=(browser-h2 browser-proxy quic-browser)
WANT=("${@:-${ALL[@]}}")
die() { echo "make-browser-samples: error: $*" >&2; exit 1; }
log() { echo "make-browser-samples: $*" >&2; }
for w in "${WANT[@]}"; do
  [[ " ${ALL[*]} " == *" $w "* ]] || die "unknown sample '$w' (${ALL[*]})"
done
want() { [[ " ${WANT[*]} " == *" $1 "* ]]; }

[[ $EUID -eq 0 ]] || die "must run as root (it creates a network namespace): sudo bash $0"
for tool in chromium nginx mitmdump gtlsserver tcpdump tshark openssl ethtool unshare ip; do
  command -v "$tool" >/dev/null 2>&1 \
    || die "missing $tool (apt-get install chromium nginx mitmproxy ngtcp2-server tcpdump tshark openssl ethtool iproute2 util-linux)"
done

if [[ "${_LIBDISSECT_BROWSER_NETNS:-}" != 1 ]]; then
  exec unshare --net -- env _LIBDISSECT_BROWSER_NETNS=1 bash "$SCRIPT" "$@"
fi
[[ $(ip -o link show | wc -l) -eq 1 ]] || die "not in a private network namespace"
ip link set lo up
ip link set lo mtu 1500
ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true

W=$(mktemp -d /tmp/libdissect-browser.XXXXXX)
PIDS=()
CAP_PID=
cleanup() {
  local rc=$? p
  set +e
  [[ -n $CAP_PID ]] && { kill -INT "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; }
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  [[ -s $W/nginx.pid ]] && stop_pid "$(<"$W/nginx.pid")"
  if [[ -n ${MAKE_SAMPLES_KEEP:-} ]]; then log "kept $W"; else rm -rf "$W"; fi
  ((rc == 0)) || log "FAILED (exit $rc)"
  exit "$rc"
}
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ content
mkdir -p "$W/www/img" "$W/pki" "$W/tmp" "$W/icpt" "$W/out"
cat >"$W/www/index.html" <<'EOF'
<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>libdissect browser sample</title>
<link rel="stylesheet" href="/style.css">
<script src="/app.js"></script></head>
<body>
<h1>libdissect browser sample</h1>
<p>Eight images, fetched in parallel:</p>
<img src="/img/1.svg"><img src="/img/2.svg"><img src="/img/3.svg"><img src="/img/4.svg">
<img src="/img/5.svg"><img src="/img/6.svg"><img src="/img/7.svg"><img src="/img/8.svg">
<pre id="out"></pre>
</body>
</html>
EOF
cat >"$W/www/style.css" <<'EOF'
body { font-family: sans-serif; margin: 2em; }
img { width: 64px; height: 64px; }
EOF
# The script POSTs JSON, then reads a large text (gzip'd by nginx) and a page
# that does not exist; the POST answers with the page (nginx serves static
# files to GET only: the POST goes to a location that returns 200 itself).
cat >"$W/www/app.js" <<'EOF'
window.addEventListener('load', async () => {
  const out = document.getElementById('out');
  const r1 = await fetch('/api/echo', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sample: 'libdissect', items: [1, 2, 3] }) });
  const r2 = await fetch('/large.txt');
  const t = await r2.text();
  const r3 = await fetch('/missing.html');
  out.textContent = r1.status + ' ' + r2.status + ' ' + t.length + ' ' + r3.status;
});
EOF
for i in 1 2 3 4 5 6 7 8; do
  {
    printf '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">\n'
    for ((k = 0; k < 60; k++)); do
      printf '<circle cx="%d" cy="%d" r="%d" fill="#%02x%02x%02x"/>\n' \
        $(((k * 7 + i) % 64)) $(((k * 13 + 3 * i) % 64)) $((k % 9 + 1)) $((k * 4 % 256)) $((i * 30)) $((k * 9 % 256))
    done
    printf '</svg>\n'
  } >"$W/www/img/$i.svg"
done
for ((i = 0; i < 6000; i++)); do printf 'line %05d of the large text that nginx compresses with gzip\n' "$i"; done \
  >"$W/www/large.txt"
find "$W/www" -type f -exec touch -d '2024-01-01 00:00:00 UTC' {} +

# ------------------------------------------------------------------ PKI
(
  cd "$W/pki"
  exec 2>"$W/pki/openssl.log"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 -sha256 \
    -subj "/O=libdissect/CN=libdissect Browser Sample Root CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr \
    -subj "/O=libdissect/CN=www.example.test"
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
    'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:www.example.test' >leaf.ext
  openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -days 365 -set_serial 0x5b01 -sha256 \
    -extfile leaf.ext -out leaf.pem
  cat leaf.pem root.pem >chain.pem
  # the proxy's "user-installed" root; mitmproxy signs its forged leaves with it
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/icpt/key.pem" -out "$W/icpt/cert.pem" \
    -days 3650 -sha256 -subj "/O=libdissect/CN=libdissect Browser Sample User-installed Root" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  cat "$W/icpt/key.pem" "$W/icpt/cert.pem" >"$W/icpt/mitmproxy-ca.pem"
) || { cat "$W/pki/openssl.log" >&2; die "making the certificates failed"; }
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform der \
  | openssl dgst -sha256 -binary | base64; }
SPKI_LEAF=$(spki "$W/pki/leaf.pem")
SPKI_MITM=$(spki "$W/icpt/cert.pem") # mitmproxy's forged leaves carry its root's key

# ------------------------------------------------------------------ servers
cat >"$W/nginx.conf" <<EOF
user root root;
daemon on;
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx-error.log notice;
events { worker_connections 64; }
http {
    access_log $W/access.log;
    server_tokens off;
    types { text/html html; text/css css; text/plain txt; application/javascript js; image/svg+xml svg; }
    default_type application/octet-stream;
    client_body_temp_path $W/tmp/body;
    proxy_temp_path $W/tmp/proxy;
    fastcgi_temp_path $W/tmp/fastcgi;
    uwsgi_temp_path $W/tmp/uwsgi;
    scgi_temp_path $W/tmp/scgi;
    gzip on;
    gzip_types text/plain text/css application/javascript image/svg+xml;
    server {
        listen 127.0.0.1:443 ssl http2;
        server_name www.example.test;
        root $W/www;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_certificate $W/pki/chain.pem;
        ssl_certificate_key $W/pki/leaf.key;
        location = /api/echo { default_type application/json; return 200 '{"ok":true}\n'; }
    }
}
EOF
nginx_start() {
  nginx -q -t -p "$W/" -c "$W/nginx.conf" 2>"$W/nginx-t.err" || { cat "$W/nginx-t.err" >&2; die "nginx config"; }
  nginx -p "$W/" -c "$W/nginx.conf" || die "nginx did not start"
  local i
  for ((i = 0; i < 50; i++)); do
    (exec 3<>/dev/tcp/127.0.0.1/443) 2>/dev/null && return 0
    sleep 0.1
  done
  die "nginx does not listen"
}
nginx_stop() { [[ -s $W/nginx.pid ]] && stop_pid "$(<"$W/nginx.pid")"; rm -f "$W/nginx.pid"; }

cap_start() { # cap_start FILE FILTER
  tcpdump -i lo --immediate-mode -B 16384 -Z root -w "$1" "$2" 2>"$W/tcpdump.err" &
  CAP_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q 'listening on' "$W/tcpdump.err" 2>/dev/null && return 0
    sleep 0.05
  done
  die "tcpdump did not start"
}
cap_stop() {
  sleep 1
  kill -INT "$CAP_PID"
  wait "$CAP_PID" || die "tcpdump failed"
  CAP_PID=
  grep -q '^0 packets dropped by kernel' "$W/tcpdump.err" || { cat "$W/tcpdump.err" >&2; die "tcpdump dropped packets"; }
}

# browser KEYLOG LOGNAME [chromium options...]: loads the sample page and runs
# its script; the page's text must show the script's results
browser() {
  local kl=$1 name=$2
  shift 2
  rm -rf "$W/profile"
  SSLKEYLOGFILE=$kl timeout 90 chromium --headless=new --no-sandbox --disable-gpu \
    --user-data-dir="$W/profile" --no-first-run --no-default-browser-check \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --disable-default-apps --disable-domain-reliability \
    --host-resolver-rules="MAP www.example.test 127.0.0.1" \
    --ignore-certificate-errors-spki-list="$SPKI_LEAF,$SPKI_MITM" \
    --virtual-time-budget=10000 "$@" --dump-dom https://www.example.test/ \
    >"$W/$name.dom" 2>"$W/$name.err" || { tail -20 "$W/$name.err" >&2; die "$name: chromium failed"; }
  grep -q '<pre id="out">200 200 366000 404</pre>' "$W/$name.dom" \
    || { cat "$W/$name.dom" >&2; tail -20 "$W/$name.err" >&2; die "$name: the page's script did not complete"; }
}

# ------------------------------------------------------------------ samples
if want browser-h2; then
  nginx_start
  cap_start "$W/out/browser-h2.pcap" 'tcp port 443'
  browser "$W/out/browser-h2.keylog" h2
  cap_stop
  nginx_stop
  grep -c 'HTTP/2.0" 200' "$W/access.log" | grep -qx 13 || { cat "$W/access.log" >&2; die "browser-h2: not 13 requests with 200"; }
  rm -f "$W/access.log"
fi

if want browser-proxy; then
  nginx_start
  printf '127.0.0.1\tlocalhost www.example.test\n' >"$W/hosts"
  # mitmproxy resolves www.example.test through /etc/hosts of a mount namespace
  # of its own, and trusts only the sample root upstream
  SSLKEYLOGFILE=$W/mitm.keylog PYTHONUNBUFFERED=1 unshare --mount --propagation private -- \
    bash -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$W/hosts" \
    mitmdump --listen-host 127.0.0.1 --listen-port 8080 --set "confdir=$W/icpt" \
    --set "ssl_verify_upstream_trusted_ca=$W/pki/root.pem" >"$W/mitmdump.log" 2>&1 &
  PIDS+=($!)
  for ((i = 0; i < 100; i++)); do
    grep -qsF 'listening at 127.0.0.1:8080' "$W/mitmdump.log" && break
    sleep 0.1
  done
  grep -qsF 'listening at 127.0.0.1:8080' "$W/mitmdump.log" || { cat "$W/mitmdump.log" >&2; die "mitmdump did not start"; }
  cap_start "$W/out/browser-proxy.pcap" 'tcp port 443 or tcp port 8080'
  browser "$W/out/browser-proxy.chromium.keylog" proxy --proxy-server=http://127.0.0.1:8080
  cap_stop
  stop_pid "${PIDS[-1]}"
  unset 'PIDS[-1]'
  nginx_stop
  grep -q 'POST https://www.example.test/api/echo' "$W/mitmdump.log" \
    || { cat "$W/mitmdump.log" >&2; die "browser-proxy: the proxy did not see the POST"; }
  cat "$W/out/browser-proxy.chromium.keylog" "$W/mitm.keylog" | awk 'NF && !seen[$0]++' \
    >"$W/out/browser-proxy.keylog"
  rm -f "$W/out/browser-proxy.chromium.keylog"
  cp "$W/icpt/cert.pem" "$W/out/browser-proxy-user-root.pem"
  cp "$W/pki/root.pem" "$W/out/browser-proxy-server-root.pem"
fi

if want quic-browser; then
  # ngtcp2's server answers POST with the file of that path, so the page's
  # script reads 200 for /api/echo when the file exists
  mkdir -p "$W/www/api"
  printf '{"ok":true}\n' >"$W/www/api/echo"
  gtlsserver -q -d "$W/www" --max-gso-dgrams=1 127.0.0.1 443 "$W/pki/leaf.key" "$W/pki/chain.pem" \
    >"$W/gtlsserver.log" 2>&1 &
  PIDS+=($!)
  sleep 0.5
  kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$W/gtlsserver.log" >&2; die "gtlsserver did not start"; }
  cap_start "$W/out/quic-browser.pcap" 'udp port 443'
  browser "$W/out/quic-browser.keylog" quic --enable-quic --origin-to-force-quic-on=www.example.test:443
  cap_stop
  stop_pid "${PIDS[-1]}"
  unset 'PIDS[-1]'
fi

# ------------------------------------------------------------------ checks (tshark)
# count FILE KEYLOG FILTER: frames tshark selects
count() { tshark -r "$1" -o "tls.keylog_file:$2" -Y "$3" 2>/dev/null | wc -l; }
need() { # need FILE FILTER MIN
  local n
  n=$(count "$W/out/$1.pcap" "$W/out/$1.keylog" "$2")
  ((n >= $3)) || die "$1: tshark finds $n frames of '$2' (want >= $3)"
}
if want browser-h2; then
  need browser-h2 'http2.type == 1 && http2.headers.method == "GET"' 3
  need browser-h2 'http2.headers.method == "POST"' 1
  need browser-h2 'http2.headers.status == 404' 1
  need browser-h2 'http2.header.value == "gzip"' 1
fi
if want browser-proxy; then
  need browser-proxy 'http.request.method == "CONNECT"' 1
  need browser-proxy 'tls.handshake.type == 11' 2
  need browser-proxy 'http2.headers.method == "POST" || http.request.method == "POST"' 2
fi
if want quic-browser; then
  need quic-browser 'quic.long.packet_type == 0 && tls.handshake.type == 1' 1
  need quic-browser 'quic.frame_type == 8 || quic.frame_type == 9 || quic.frame_type == 10 || quic.frame_type == 11 || quic.frame_type == 12 || quic.frame_type == 13 || quic.frame_type == 14 || quic.frame_type == 15' 10
fi
for w in "${WANT[@]}"; do
  cp "$W/out/$w.pcap" "$W/out/$w.keylog" "$SAMPLES/"
  log "$w.pcap: $(tshark -r "$SAMPLES/$w.pcap" 2>/dev/null | wc -l) frames"
done
if want browser-proxy; then cp "$W/out/browser-proxy-"*root.pem "$SAMPLES/"; fi
