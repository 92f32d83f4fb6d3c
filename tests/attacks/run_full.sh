#!/usr/bin/env bash
# The attack captures of issue 13 at full size, against one dissect binary:
# CPU time (user+sys) and peak RSS of each run, flood next to the ordinary
# capture of the same size; then the memory attacks with the default caps
# (peak RSS at most 128 MB is the issue's bound). Not run by CI (minutes with an
# unkeyed build); tests/integration/test_flood.sh is the small CI version.
# Usage: run_full.sh DISSECT [TIMEOUT_SECONDS]
#   (sizes: N_FLOWS, N_DNS, N_FRAGS; GETS="20000 64" connections x requests,
#   N_CERTS, H2_CONNS="20000 128" connections x streams; the memory
#   captures take up to 1.4 GB of disk)
set -uo pipefail
D=${1:?usage: run_full.sh DISSECT [TIMEOUT_SECONDS]}
LIMIT=${2:-900}
HERE=$(cd "$(dirname "$0")" && pwd)
N_FLOWS=${N_FLOWS:-200000}
N_DNS=${N_DNS:-200000}
N_FRAGS=${N_FRAGS:-500000}
N_H2=${N_H2:-1000000}
N_OOO=${N_OOO:-1000000}
GETS=${GETS:-20000 64}
N_CERTS=${N_CERTS:-1000}
H2_CONNS=${H2_CONNS:-20000 128}
W=$(mktemp -d "${TMPDIR:-/tmp}/flood.XXXXXX")
trap 'rm -rf "$W"' EXIT

python3 "$HERE/syn_flood.py" --collide "$N_FLOWS" "$W/syn_flood.pcap"
python3 "$HERE/syn_flood.py" "$N_FLOWS" "$W/syn_plain.pcap"
python3 "$HERE/dns_flood.py" --collide "$N_DNS" "$W/dns_flood.pcap"
python3 "$HERE/dns_flood.py" "$N_DNS" "$W/dns_plain.pcap"
python3 "$HERE/frag_flood.py" "$N_FRAGS" "$W/frag_flood.pcap"
python3 "$HERE/frag_flood.py" --ordinary "$N_FRAGS" "$W/frag_plain.pcap"
python3 "$HERE/http2_streams.py" "$N_H2" "$W/h2_flood.pcap"
python3 "$HERE/http2_streams.py" --ordinary "$N_H2" "$W/h2_plain.pcap"
python3 "$HERE/tcp_ooo.py" "$N_OOO" "$W/ooo_flood.pcap"
python3 "$HERE/tcp_ooo.py" --ordinary "$N_OOO" "$W/ooo_plain.pcap"

# measure LABEL ARGS...: CPU seconds and peak RSS of one run of dissect.
measure() {
  local label=$1
  shift
  local rc=0 u s m
  /usr/bin/time -o "$W/time" -f '%U %S %M' timeout "$LIMIT" "$D" "$@" >/dev/null 2>&1 || rc=$?
  read -r u s m < <(tail -1 "$W/time")
  if ((rc == 124)); then
    printf '%-44s did not finish in %s s\n' "$label" "$LIMIT"
  else
    awk -v l="$label" -v u="$u" -v s="$s" -v m="$m" -v rc="$rc" \
      'BEGIN{printf "%-44s %8.2f s CPU %9.1f MB peak RSS%s\n", l, u + s, m / 1024, rc ? " (exit " rc ")" : ""}'
  fi
  return $rc
}

measure "flows: $N_FLOWS colliding SYN+data flows" -r "$W/syn_flood.pcap"
measure "flows: $N_FLOWS ordinary SYN+data flows" -r "$W/syn_plain.pcap"
measure "DNS: $N_DNS colliding queries" -r "$W/dns_flood.pcap"
measure "DNS: $N_DNS ordinary queries" -r "$W/dns_plain.pcap"
measure "fragments: $N_FRAGS never completing" -o ip.max_frag_datagrams:300000 -r "$W/frag_flood.pcap"
measure "fragments: $N_FRAGS ordinary UDP" -o ip.max_frag_datagrams:300000 -r "$W/frag_plain.pcap"
measure "HTTP/2: $N_H2 new streams on one connection" -r "$W/h2_flood.pcap"
measure "HTTP/2: $N_H2 frames over 8 streams" -r "$W/h2_plain.pcap"
measure "TCP: $N_OOO segments ahead of a gap" -r "$W/ooo_flood.pcap"
measure "TCP: $N_OOO segments in order" -r "$W/ooo_plain.pcap"

# Memory with the default caps: what grows with the attacker's input counts
# against the session's byte budget (tcp.max_total_stream_bytes).
measure "memory: $N_FLOWS SYN+data flows" -r "$W/syn_plain.pcap"
rm -f "$W"/*.pcap
python3 "$HERE/http_pipelined_gets.py" $GETS "$W/gets.pcap"
measure "memory: ${GETS/ / x } unanswered GETs" -r "$W/gets.pcap"
rm -f "$W/gets.pcap"
python3 "$HERE/tls_endless_certificate.py" "$N_CERTS" 1000000 "$W/certs.pcap"
measure "memory: $N_CERTS never-ending Certificates" -r "$W/certs.pcap"
rm -f "$W/certs.pcap"
python3 "$HERE/http_endless_body.py" 2000 200000 "$W/endless.pcap"
measure "memory: 2000 responses whose body never ends (200 KB each)" -r "$W/endless.pcap"
rm -f "$W/endless.pcap"
python3 "$HERE/tcp_ooo.py" --connections 4000 --size 1 1024 "$W/ooo_tiny.pcap"
measure "memory: 4000 connections x 1024 1-byte segments ahead of a gap" -r "$W/ooo_tiny.pcap"
rm -f "$W/ooo_tiny.pcap"
read -r h2c h2s <<<"$H2_CONNS"
python3 "$HERE/http2_streams.py" --connections "$h2c" "$h2s" "$W/h2conns.pcap"
measure "memory: $h2c HTTP/2 connections x $h2s streams" -r "$W/h2conns.pcap"
