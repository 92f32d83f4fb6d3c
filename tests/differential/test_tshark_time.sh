#!/usr/bin/env bash
# Differential test of the time column's precision: tshark shows times with
# as many decimals as the capture records them (9 for a nanosecond pcap and
# for a pcapng interface whose if_tsresol is 10^-9, 3 for milliseconds, 0
# for whole seconds, each pcapng interface its own), in every -t format,
# with -u hms, in the summary line and in _ws.col.Time. dissect must print
# the same, on
#   - a nanosecond pcap and pcapng made from a sample with editcap (file,
#     gzip, standard input);
#   - pcapng files made here whose interfaces record seconds, 10^-1, 10^-2,
#     10^-3, 2^-10, 10^-4 and 10^-7 s, and one with a microsecond and a
#     nanosecond interface;
#   - Wireshark's own nanosecond captures (dhcp-nanosecond.pcap[ng],
#     http2_follow_multistream.pcapng) when they are fetched.
# And the precision suffix of Wireshark 4.2+ (-t FORMAT.N, -t .N, -t
# FORMAT.), which tshark 4.0 refuses: its values are tshark's automatic
# nanosecond ones cut to N decimals (Wireshark cuts, never rounds).
# Expected values come from tshark, never from dissect.
# Usage: test_tshark_time.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_time.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_time.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$(cd "$BIN" && pwd)/dissect
S=$(cd "$SRC" && pwd)/samples
command -v editcap >/dev/null 2>&1 || skip "editcap (Wireshark's) is not installed"
tshark_capture_test
export TZ=UTC # absolute times are local: the same zone for both sides

tsh() { tshark -n "$@" 2>/dev/null; }
# frame number and time column of the summary lines
head2() { awk '{ print $1, $2, ($3 ~ /^[0-9:.]+$/ ? $3 : "") }'; }

# the captures made here are named from the temporary directory (the same
# arguments every run: tests/tshark-cache keeps tshark's answers)
cd "$T_TMP" || fail "cd"
T=.
editcap -F nsecpcap "$S/http.pcap" "$T/ns.pcap" || fail "editcap -F nsecpcap"
editcap -F pcapng "$T/ns.pcap" "$T/ns.pcapng" || fail "editcap -F pcapng"
gzip -n -c "$T/ns.pcapng" >"$T/ns.pcapng.gz"

# pcapng files whose interfaces record other resolutions: a UDP frame
# (Ethernet, IPv4, UDP 1234 -> 5678, 4 bytes of payload) at times with
# every digit of the fraction set, each timestamp in the interface's units
"$PY" - "$T" <<'EOF' || fail "making the pcapng files"
import struct, sys
d = sys.argv[1]
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
def shb():
    return blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
def idb(tsresol):
    opts = b""
    if tsresol is not None:
        opts = struct.pack("<HHB3x", 9, 1, tsresol) + struct.pack("<HH", 0, 0)
    return blk(1, struct.pack("<HHI", 1, 0, 65535) + opts)
frame = (b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00"
         + bytes.fromhex("450000200001000040110000c0000201c0000202")
         + bytes.fromhex("04d2162e000c0000") + b"abcd")
def epb(ifid, units):
    return blk(6, struct.pack("<IIIII", ifid, units >> 32, units & 0xffffffff,
                              len(frame), len(frame)) + frame)
# seconds since the epoch and nanoseconds: later, a negative delta, ...
times = [(1700000000, 123456789), (1700000001, 987654321), (1700000075, 500000999),
         (1700000070, 1), (1700007400, 999999999), (1700007400, 0)]
def units(sec, nsec, tsresol):
    if tsresol & 0x80:
        p = tsresol & 0x7f
        return (sec << p) + (nsec << p) // 10**9
    return sec * 10**tsresol + nsec * 10**tsresol // 10**9
for name, res in [("sec", 0), ("dsec", 1), ("csec", 2), ("msec", 3), ("pow2-10", 0x8a),
                  ("res4", 4), ("res7", 7), ("usec-default", None)]:
    r = 6 if res is None else res
    with open(f"{d}/{name}.pcapng", "wb") as f:
        f.write(shb() + idb(res) + b"".join(epb(0, units(s, n, r)) for s, n in times))
# interface 0 in microseconds, interface 1 in nanoseconds, frames alternating
with open(f"{d}/mixed.pcapng", "wb") as f:
    f.write(shb() + idb(6) + idb(9)
            + b"".join(epb(i % 2, units(s, n, 9 if i % 2 else 6)) for i, (s, n) in enumerate(times)))
EOF

CAPS=("$T/ns.pcap" "$T/ns.pcapng" "$T/ns.pcapng.gz")
for n in sec dsec csec msec pow2-10 res4 res7 usec-default mixed; do CAPS+=("$T/$n.pcapng"); done
if [[ -d ${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}/captures ]]; then
  W=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}/captures
  for n in dhcp-nanosecond.pcap dhcp-nanosecond.pcapng http2_follow_multistream.pcapng; do
    [[ -f $W/$n ]] && CAPS+=("$W/$n")
  done
else
  echo "note: Wireshark's test captures are not fetched; their nanosecond captures are not compared"
fi

# every -t format on the captures of each kind (tshark takes ~0.3 s a run),
# three on the others
for cap in "${CAPS[@]}"; do
  name=$(basename "$cap")
  case $name in
  ns.pcap | mixed.pcapng | msec.pcapng | sec.pcapng | pow2-10.pcapng | dhcp-nanosecond.pcapng)
    FORMATS=(a ad adoy d dd e r u ud udoy) full=1 ;;
  *) FORMATS=(ad e r) full= ;;
  esac
  for t in "${FORMATS[@]}"; do
    check_eq "$name: -t $t _ws.col.Time" "$(tsh -r "$cap" -t $t -T fields -e _ws.col.Time)" \
      "$("$D" -r "$cap" -t $t -T fields -e _ws.col.Time 2>&1)"
  done
  # the summary line's time column: relative (the default), delta with -u
  # hms, absolute with the date, delta displayed of a filtered view
  check_eq "$name: summary lines" "$(tsh -r "$cap" | head2)" "$("$D" -r "$cap" 2>&1 | head2)"
  check_eq "$name: summary lines -t d -u hms" "$(tsh -r "$cap" -t d -u hms | cut -c1-30)" \
    "$("$D" -r "$cap" -t d -u hms 2>&1 | cut -c1-30)"
  [[ -n $full ]] || continue
  check_eq "$name: summary lines -t ad" "$(tsh -r "$cap" -t ad | cut -c1-36)" \
    "$("$D" -r "$cap" -t ad 2>&1 | cut -c1-36)"
  check_eq "$name: -t dd -u hms -Y frame.number!=2" \
    "$(tsh -r "$cap" -t dd -u hms -Y 'frame.number!=2' -T fields -e _ws.col.Time)" \
    "$("$D" -r "$cap" -t dd -u hms -Y 'frame.number!=2' -T fields -e _ws.col.Time 2>&1)"
done

# standard input: the precision read from the bytes as they come
for cap in "$T/ns.pcap" "$T/ns.pcapng" "$T/mixed.pcapng"; do
  check_eq "$(basename "$cap") on standard input: -t e" \
    "$(tsh -r - -t e -T fields -e _ws.col.Time <"$cap")" \
    "$("$D" -r - -t e -T fields -e _ws.col.Time <"$cap" 2>&1)"
done

# ------------------------------------------------------------ -t FORMAT.N
# cut N decimals off tshark's automatic values of a nanosecond capture
# (every time there has nine); N=0 drops the point
cutn() { sed -E "s/\.([0-9]{$1})[0-9]*/.\1/; s/\.(s?)$/\1/"; }
cap=$T/ns.pcapng
if tshark -r "$cap" -t ad.3 -c 1 >/dev/null 2>&1; then
  echo "note: this tshark takes -t FORMAT.N: compared with it directly"
  for spec in ad.3 .0 r.6 e.1 u.9 d.4; do
    check_eq "-t $spec" "$(tsh -r "$cap" -t "$spec" -T fields -e _ws.col.Time)" \
      "$("$D" -r "$cap" -t "$spec" -T fields -e _ws.col.Time 2>&1)"
  done
else
  check_eq "tshark 4.0 refuses -t ad.3 (the suffix is Wireshark 4.2's)" 1 \
    "$(tshark -r "$cap" -t ad.3 -c 1 >/dev/null 2>&1; echo $?)"
  for spec in ad.3 u.0 e.1 r.6 d.4 dd.8 adoy.2 udoy.5 a.7 ud.9; do
    t=${spec%.*} n=${spec#*.}
    check_eq "-t $spec: tshark's -t $t cut to $n decimals" \
      "$(tsh -r "$cap" -t "$t" -T fields -e _ws.col.Time | cutn "$n")" \
      "$("$D" -r "$cap" -t "$spec" -T fields -e _ws.col.Time 2>&1)"
  done
  check_eq "-t d.2 -u hms: tshark's cut to 2 decimals" \
    "$(tsh -r "$cap" -t d -u hms -T fields -e _ws.col.Time | cutn 2)" \
    "$("$D" -r "$cap" -t d.2 -u hms -T fields -e _ws.col.Time 2>&1)"
  # "-t .3" keeps the format (relative by default, absolute after -t ad)
  check_eq "-t .3: relative, 3 decimals" "$(tsh -r "$cap" -T fields -e _ws.col.Time | cutn 3)" \
    "$("$D" -r "$cap" -t .3 -T fields -e _ws.col.Time 2>&1)"
  check_eq "-t ad -t .3: absolute, 3 decimals" \
    "$(tsh -r "$cap" -t ad -T fields -e _ws.col.Time | cutn 3)" \
    "$("$D" -r "$cap" -t ad -t .3 -T fields -e _ws.col.Time 2>&1)"
  check_eq "-t ad.3 in the summary line" "$(tsh -r "$cap" -t ad | awk '{ print $1, $2, $3 }' | cutn 3)" \
    "$("$D" -r "$cap" -t ad.3 2>&1 | awk '{ print $1, $2, $3 }')"
  # more decimals than a microsecond capture has: zeros, as Wireshark's
  # fixed precision pads them
  check_eq "-t e.9 of a microsecond capture: tshark's six decimals and 000" \
    "$(tsh -r "$S/http.pcap" -t e -T fields -e _ws.col.Time | sed 's/$/000/')" \
    "$("$D" -r "$S/http.pcap" -t e.9 -T fields -e _ws.col.Time 2>&1)"
fi
# "." alone and "FORMAT." are automatic: the capture's own precision again
for spec in . r. ad. e.; do
  t=${spec%.}
  check_eq "-t ad.3 -t $spec: automatic again" \
    "$(tsh -r "$T/mixed.pcapng" -t "${t:-ad}" -T fields -e _ws.col.Time)" \
    "$("$D" -r "$T/mixed.pcapng" -t ad.3 -t "$spec" -T fields -e _ws.col.Time 2>&1)"
done
for bad in ad.10 ad.x r.-1 x.3 .. ad.3.; do
  run "$D" -r "$cap" -t "$bad" -c 1
  check_rc_error "-t $bad is refused"
  check_eq "-t $bad: no frame printed" "" "$(cat "$T_TMP/out")"
done

finish
