#!/usr/bin/env bash
# make-quic-samples.sh - regenerate the QUIC / HTTP/3 sample captures in samples/.
#
# What it makes (classic pcap, captured with tcpdump -i lo, each with the
# client's NSS key log beside it):
#   quic-h3.pcap (+ .keylog)     HTTP/3 over QUIC v1: Debian's ngtcp2 example
#                                client (gtlsclient, GnuTLS) asks the example
#                                server (gtlsserver) on 127.0.0.1:443 for four
#                                resources on one connection, one of them
#                                300 KB, and starts a key update 10 ms after the
#                                handshake (--key-update), before its requests
#                                (--delay-stream=50ms)
#   quic-retry.pcap (+ .keylog)  the server asks for address validation first
#                                (gtlsserver -V): Initial, Retry, Initial with
#                                the token, then one HTTP/3 request
#   quic-migration.pcap (+ .keylog) the client moves to a new local port
#                                after the handshake (--change-local-addr):
#                                PATH_CHALLENGE/PATH_RESPONSE, then two requests
#                                from the new path on the same connection ids
#   quic-v2draft.pcap (+ .keylog) QUIC version 2 as ngtcp2 0.12 speaks it
#                                (draft-ietf-quic-v2-01, 0x709a50c4: its own
#                                salt, labels and packet types) with a Retry;
#                                tshark 4.0 does not know this version, so the
#                                checks are ngtcp2's: its client accepted the
#                                Retry and got the page
#   quic-0rtt.pcap (+ .keylog)   a resumed connection with 0-RTT: a first run
#                                (not captured) stores the session ticket and
#                                transport parameters, the second sends its two
#                                requests as 0-RTT data with the ClientHello
# tshark checks each file afterwards (Retry seen, requests decrypted with the
# key log, key phase 1 used, one connection across the migration).
#
# What it needs: root (a private network namespace made with unshare -n: all
# traffic stays on its loopback), and the Debian packages ngtcp2-client
# ngtcp2-server tcpdump tshark openssl ethtool iproute2 util-linux.
#
# Usage: sudo bash samples/make-quic-samples.sh [NAME...]
#        NAME: quic-h3 quic-retry quic-migration quic-v2draft (default: all;
#        the tests name frames of the committed files, so remake only what
#        you must)
#        (MAKE_SAMPLES_KEEP=1 keeps the temporary work directory)
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
ALL=(quic-h3 quic-retry quic-migration quic-v2draft quic-0rtt)
WANT=("${@:-${ALL[@]}}")
for w in "${WANT[@]}"; do
  [[ " ${ALL[*]} " == *" $w "* ]] || { echo "make-quic-samples: unknown sample '$w' (${ALL[*]})" >&2; exit 1; }
done
want() { [[ " ${WANT[*]} " == *" $1 "* ]]; }
SAMPLES=$(dirname "$SCRIPT")
die() { echo "make-quic-samples: error: $*" >&2; exit 1; }
log() { echo "make-quic-samples: $*" >&2; }

for tool in gtlsclient gtlsserver tcpdump tshark openssl ethtool unshare; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install ngtcp2-client ngtcp2-server tcpdump tshark openssl ethtool util-linux)"
done

if [[ "${_LIBDISSECT_SAMPLES_NETNS:-}" != 1 ]]; then
  exec unshare --net -- env _LIBDISSECT_SAMPLES_NETNS=1 bash "$SCRIPT" "$@"
fi
if [[ $(ip -o link show | wc -l) -ne 1 ]]; then
  die "not in a private network namespace (found interfaces other than lo)"
fi
ip link set lo up
ip link set lo mtu 1500
# no UDP segmentation offload: every QUIC packet is its own datagram on the wire
ethtool -K lo tx-udp-segmentation off gso off >/dev/null 2>&1 || true

W=$(mktemp -d /tmp/libdissect-quic.XXXXXX)
SERVER_PID=
CAP_PID=
cleanup() {
  local rc=$?
  set +e
  [[ -n $SERVER_PID ]] && { kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }
  [[ -n $CAP_PID ]] && { kill -INT "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; }
  if [[ -n ${MAKE_SAMPLES_KEEP:-} ]]; then log "kept $W"; else rm -rf "$W"; fi
  ((rc == 0)) || log "FAILED (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A self-signed ECDSA leaf for the server name used by the client.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -keyout "$W/key.pem" -out "$W/cert.pem" -subj /CN=quic.example.test \
  -addext subjectAltName=DNS:quic.example.test 2>"$W/openssl.log" \
  || { cat "$W/openssl.log" >&2; die "certificate generation failed"; }
mkdir -p "$W/www"
printf '<html><body>hello over HTTP/3</body></html>\n' >"$W/www/index.html"
printf '{"protocol":"h3","sample":true}\n' >"$W/www/data.json"
printf 'user-agent: *\nallow: /\n' >"$W/www/robots.txt"
# 300 KB of text, the same every run (no randomness in the sample's content)
for ((i = 0; i < 4000; i++)); do printf 'line %05d of the large HTTP/3 response body .......\n' "$i"; done \
  >"$W/www/large.txt"

cap_start() {   # cap_start FILE
  tcpdump -i lo --immediate-mode -B 16384 -Z root -w "$1" udp port 443 2>"$W/tcpdump.err" &
  CAP_PID=$!
  local i
  for ((i = 0; i < 50; i++)); do
    grep -q 'listening on' "$W/tcpdump.err" 2>/dev/null && return 0
    sleep 0.1
  done
  die "tcpdump did not start"
}
cap_stop() {
  sleep 0.3
  kill -INT "$CAP_PID"
  wait "$CAP_PID" || true
  CAP_PID=
}
server_start() {   # server_start [extra options]
  gtlsserver -q -d "$W/www" --max-gso-dgrams=1 "$@" 127.0.0.1 443 "$W/key.pem" "$W/cert.pem" \
    >"$W/server.log" 2>&1 &
  SERVER_PID=$!
  sleep 0.5
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$W/server.log" >&2; die "gtlsserver did not start"; }
}
server_stop() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
client() {   # client KEYLOG [options] URI...
  local kl=$1
  shift
  SSLKEYLOGFILE=$kl timeout 20 gtlsclient -q --exit-on-all-streams-close --sni=quic.example.test \
    --download="$W/dl" "$@" >"$W/client.log" 2>&1 \
    || { cat "$W/client.log" >&2; die "gtlsclient failed"; }
}
U=https://quic.example.test

# 1. several requests on one connection, a large response, a key update
mkdir -p "$W/dl"
if want quic-h3; then
cap_start "$W/quic-h3.pcap"
server_start
client "$W/quic-h3.keylog" --key-update=10ms --delay-stream=50ms 127.0.0.1 443 \
  "$U/index.html" "$U/data.json" "$U/large.txt" "$U/robots.txt"
server_stop
cap_stop
cmp -s "$W/dl/large.txt" "$W/www/large.txt" || die "large.txt did not arrive intact"
fi

# 2. a Retry (address validation) before the handshake
if want quic-retry; then
cap_start "$W/quic-retry.pcap"
server_start -V
client "$W/quic-retry.keylog" 127.0.0.1 443 "$U/index.html"
server_stop
cap_stop
fi

# 3. a connection migration: a new client port after the handshake
if want quic-migration; then
cap_start "$W/quic-migration.pcap"
server_start
client "$W/quic-migration.keylog" --change-local-addr=5ms --delay-stream=40ms 127.0.0.1 443 \
  "$U/index.html" "$U/data.json"
server_stop
cap_stop
fi

# 4. QUIC v2 (ngtcp2's draft version) with a Retry
if want quic-v2draft; then
rm -f "$W/dl/index.html"
cap_start "$W/quic-v2draft.pcap"
server_start -V
client "$W/quic-v2draft.keylog" -v v2draft 127.0.0.1 443 "$U/index.html"
server_stop
cap_stop
[[ -s $W/dl/index.html ]] || die "quic-v2draft: no page"
fi

# 5. 0-RTT: resume the session of a first (uncaptured) connection
if want quic-0rtt; then
server_start
client "$W/first.keylog" --session-file="$W/session" --tp-file="$W/tp" 127.0.0.1 443 \
  "$U/index.html"
cap_start "$W/quic-0rtt.pcap"
client "$W/quic-0rtt.keylog" --session-file="$W/session" --tp-file="$W/tp" 127.0.0.1 443 \
  "$U/index.html" "$U/data.json"
server_stop
cap_stop
fi

# checks with tshark (the second tool)
n() { tshark -r "$1" -o "tls.keylog_file:$2" -Y "$3" 2>/dev/null | wc -l; }
f=$W/quic-h3.pcap k=$W/quic-h3.keylog
want quic-h3 && {
(($(n "$f" "$k" 'quic.long.packet_type == 0') >= 2)) || die "quic-h3: no Initial packets"
(($(n "$f" "$k" 'tls.handshake.type == 1') == 1)) || die "quic-h3: not one ClientHello"
(($(n "$f" "$k" 'quic.key_phase == 1') >= 1)) || die "quic-h3: no key update"
(($(n "$f" "$k" 'http3.frame_type == 1') >= 2)) || die "quic-h3: HTTP/3 HEADERS not decrypted"
}
f=$W/quic-retry.pcap k=$W/quic-retry.keylog
want quic-retry && {
(($(n "$f" "$k" 'quic.long.packet_type == 3') == 1)) || die "quic-retry: no Retry"
(($(n "$f" "$k" 'quic.bad_retry') == 0)) || die "quic-retry: bad Retry integrity tag"
(($(n "$f" "$k" 'http3.frame_type == 1') >= 2)) || die "quic-retry: HTTP/3 HEADERS not decrypted"
}

f=$W/quic-migration.pcap k=$W/quic-migration.keylog
want quic-migration && {
(($(n "$f" "$k" 'quic.frame_type == 0x1a') >= 1)) || die "quic-migration: no PATH_CHALLENGE"
(($(tshark -r "$f" -T fields -e udp.srcport -Y 'udp.dstport == 443' 2>/dev/null | sort -u | wc -l) == 2)) \
  || die "quic-migration: the client did not use two ports"
(($(n "$f" "$k" 'quic.connection.number != 0') == 0)) || die "quic-migration: tshark sees two connections"
(($(n "$f" "$k" 'http3.frame_type == 1') >= 2)) || die "quic-migration: HTTP/3 HEADERS not decrypted"
}
f=$W/quic-v2draft.pcap
want quic-v2draft && {
[[ $(tshark -r "$f" -T fields -e udp.payload -c 1 2>/dev/null | cut -c3-10) == 709a50c4 ]] \
  || die "quic-v2draft: the first packet is not version 0x709a50c4"
}

f=$W/quic-0rtt.pcap k=$W/quic-0rtt.keylog
want quic-0rtt && {
grep -q CLIENT_EARLY_TRAFFIC_SECRET "$k" || die "quic-0rtt: no early traffic secret"
(($(n "$f" "$k" 'quic.long.packet_type == 1') >= 1)) || die "quic-0rtt: no 0-RTT packet"
(($(n "$f" "$k" 'quic.long.packet_type == 1 && quic.frame_type == 0x0b') >= 1)) \
  || die "quic-0rtt: the 0-RTT packets were not decrypted (no STREAM frame)"
}

for s in "${WANT[@]}"; do
  install -m 0644 "$W/$s.pcap" "$SAMPLES/$s.pcap"
  install -m 0644 "$W/$s.keylog" "$SAMPLES/$s.keylog"
done
log "made ${WANT[*]} (.pcap + .keylog) in $SAMPLES"
