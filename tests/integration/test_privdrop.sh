#!/usr/bin/env bash
# Live capture as root drops to an ordinary user once the interface is open,
# as tcpdump's -Z does (issue 13): by default to "nobody", to the user -Z
# names, never with -Z root; an unknown user is an error. The capture keeps
# working after the drop (pings on loopback are read as nobody).
# Needs root and a loopback interface it may capture on; skipped otherwise.
# Usage: test_privdrop.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_privdrop.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_privdrop.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
[[ -x $D ]] || skip "$D not built"
[[ $(id -u) == 0 ]] || skip "not root: nothing to drop"
getent passwd nobody >/dev/null || skip "no user nobody"
command -v ping >/dev/null 2>&1 || skip "ping is not installed"
t_tmpdir
timeout 5 "$D" -i lo -a duration:1 -Z root >/dev/null 2>"$T_TMP/probe" ||
  skip "cannot capture on lo here: $(head -c 200 "$T_TMP/probe")"

# uid_of_live ARGS...: the real and effective uid of a dissect capturing on lo
# for 2 s, read from /proc while it runs
uid_of_live() {
  "$D" -i lo -a duration:2 "$@" >"$T_TMP/live.out" 2>"$T_TMP/live.err" &
  local pid=$! uids= u
  for _ in 1 2 3 4 5 6 7; do
    sleep 0.2
    u=$(awk '/^Uid:/ {print $2, $3}' "/proc/$pid/status" 2>/dev/null)
    [[ -n $u ]] && uids=$u
    [[ -n $uids && $uids != "0 0" ]] && break
  done
  wait "$pid"
  echo "$uids"
}
nobody=$(id -u nobody)
check_eq "default: a live capture as root runs as nobody" "$nobody $nobody" "$(uid_of_live)"
check_eq "-Z nobody: the same" "$nobody $nobody" "$(uid_of_live -Z nobody)"
check_eq "-Z root keeps root" "0 0" "$(uid_of_live -Z root)"

run "$D" -i lo -a duration:1 -Z no-such-user-here
check_rc_error "-Z with an unknown user: non-zero exit"
check_grepf "-Z with an unknown user: the message names it" 'no user "no-such-user-here"' "$T_TMP/err"

# packets still come after the drop
"$D" -i lo -f icmp -a packets:2 -a duration:10 -T fields -e icmp.type >"$T_TMP/pings" 2>"$T_TMP/perr" &
pid=$!
sleep 1
ping -c 4 -i 0.2 127.0.0.1 >/dev/null 2>&1
wait "$pid"
check_eq "after the drop the capture reads packets (two ICMP echo request/reply)" 2 \
  "$(grep -c . "$T_TMP/pings")"

# files read with -r are never touched: no drop needed, none done
run "$D" -r "$SRC/samples/dns.pcap" -c 1 -Z no-such-user-here
check_rc_zero "-r with -Z: -Z only concerns live capture"

finish
