#!/usr/bin/env bash
# Differential test of the link layers beyond Ethernet: `dissect -T fields`
# against `tshark -T fields` on the third-party corpus captures
# (../shared/corpus, never committed) of each link type that has its own
# dissector: radiotap + 802.11 (127), 802.11 (105), PPP (9, 50), Cisco HDLC
# (104), NFLOG (239), Frame Relay (107); and by file name the captures of
# tunnels and encapsulations: ESP and its UDP encapsulation (esp), GRE and
# ERSPAN types I and II (gre; not the ERSPAN type III captures: dissect
# shows type III, GRE protocol 0x22eb, as data; not pptp.pcap, whose one
# enhanced GRE frame equals tshark's but whose TCP frames differ in TCP's
# retransmission analysis; not the Linux cooked isis-infinite-loop.pcap,
# which mergecap cannot put in one pcap with Ethernet), MPLS over Ethernet
# and UDP (mpls; MPLS over PPP is in the ppp group), MACsec (macsec), Geneve
# (geneve: its options, Google Cloud's decoded, and what it carries; not
# bigtcp-ipv6-geneve-*.pcap, IPv6 with payload length 0 (TSO) where tshark
# 4.0 stops in UDP with an exception before any UDP field and dissect shows
# UDP's header with its bad length: Geneve is reached by neither). The captures of one link type are concatenated with
# mergecap (as tshark reads them, damaged ones end where tshark stops), so
# each group costs one tshark run. Fields: linktype-fields.txt.
# A mismatch is a bug on one of the two sides: find out which before
# changing anything. Differences kept on purpose are listed in KNOWN below
# with their reason.
# Usage: test_tshark_linktypes.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_linktypes.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_linktypes.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
CORPUS=${DX_CORPUS:-$SRC/../shared/corpus}
command -v tshark >/dev/null 2>&1 || skip "tshark is not installed"
command -v mergecap >/dev/null 2>&1 || skip "mergecap is not installed"
[[ -x $D ]] || skip "$D not built"
[[ -n $PY ]] || skip "python3 not installed"
[[ -d $CORPUS ]] || skip "no corpus at $CORPUS"
t_tmpdir
export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
mkdir -p "$WIRESHARK_CONFIG_DIR"

. "$SRC/tests/differential/fieldlib.sh"
field_sets --dissect-must-know "$SRC/tests/differential/linktype-fields.txt"
# The summary columns too (tshark takes _ws.col.* with -e but does not list
# them in -G fields).
for c in _ws.col.Protocol _ws.col.Info; do
  if grep -qx "$c" "$T_TMP/our-fields"; then
    TS_FIELDS+=("$c")
    OUR_FIELDS+=("$c")
  fi
done
printf '%s\n' "${TS_FIELDS[@]}" >"$T_TMP/fields"
printf '%s\n' "${OUR_FIELDS[@]}" >"$T_TMP/our-known"

# The corpus files by link type, from their file headers (pcap: the link
# type word; pcapng: the first Interface Description Block).
$PY - "$CORPUS" "$T_TMP" <<'EOF'
import os, struct, sys
root, out = sys.argv[1], sys.argv[2]
groups = {"radiotap": {127}, "ieee80211": {105}, "ppp": {9, 50}, "chdlc": {104}, "nflog": {239},
          "frelay": {107}}
lists = {g: [] for g in groups}
for dp, _, fn in os.walk(root):
    for f in sorted(fn):
        p = os.path.join(dp, f)
        with open(p, "rb") as fh:
            b = fh.read(4096)
        lt = None
        if len(b) >= 24 and b[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            lt = struct.unpack("<I", b[20:24])[0] & 0x3FFFFFF
        elif len(b) >= 24 and b[:4] in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            lt = struct.unpack(">I", b[20:24])[0] & 0x3FFFFFF
        elif len(b) >= 12 and b[:4] == b"\x0a\x0d\x0d\x0a":
            e = "<" if b[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
            shl = struct.unpack(e + "I", b[4:8])[0]
            if len(b) >= shl + 10 and struct.unpack(e + "I", b[shl:shl + 4])[0] == 1:
                lt = struct.unpack(e + "H", b[shl + 8:shl + 10])[0]
        for g, lts in groups.items():
            if lt in lts:
                lists[g].append(p)
# Groups above the link layer, by file name: the corpus captures that carry
# the protocol (found with tshark -Y on the whole corpus).
named = {"esp": {"esp_truncated.pcap", "espudp1.pcap", "02-sunrise-sunset-esp.pcap",
                 "08-sunrise-sunset-aes.pcap", "08-sunrise-sunset-esp2.pcap", "isakmp4500.pcap",
                 "isakmp-3948-oobr-2.pcap"},
         "gre": {"erspan-type-i-1.pcap", "erspan-type-i-2.pcap", "erspan-type-i-3.pcap",
                 "erspan-type-i-4.pcap", "erspan-type-ii-1.pcap", "erspan-type-ii-2.pcap",
                 "erspan-type-ii-3.pcap", "gre-heapoverflow-1.pcap", "gre-heapoverflow-2.pcap",
                 "various_gre.pcap", "wccp_redirect_gre.pcap", "ios_nhrp.pcap", "nhrp-trace.pcap",
                 "nhrp.pcapng", "NHRP-responder-address.pcap", "NHRP_registration.pcap"},
         "mpls": {"mpls-over-udp.pcap", "mpls-label-heapoverflow.pcap"},
         "macsec": {"macsec-changed.pcap", "macsec-encrypted.pcap", "macsec-integonly.pcap",
                    "macsec-short-longer.pcap", "macsec-short-shorter.pcap",
                    "macsec-short-valid.pcap", "macsec-snap.pcap"},
         "geneve": {"geneve.pcap", "geneve-gcp.pcap", "bigtcp-ipv4-geneve-ipv4.pcap",
                    "bigtcp-ipv4-geneve-ipv6.pcap", "gso-ipv4-geneve-ipv4.pcap",
                    "gso-ipv4-geneve-ipv6.pcap", "gso-ipv6-geneve-ipv4.pcap",
                    "gso-ipv6-geneve-ipv6.pcap"}}
for g in named:
    lists[g] = []
for dp, _, fn in os.walk(root):
    for f in sorted(fn):
        for g, names in named.items():
            if f in names:
                lists[g].append(os.path.join(dp, f))
for g, ps in lists.items():
    with open(os.path.join(out, g + ".list"), "w") as fh:
        fh.write("".join(p + "\n" for p in sorted(ps)))
EOF

# Differences kept on purpose (the comparison below skips them, and counts
# the frames it skipped so they stay visible):
# - frames where tshark goes deeper than dissect: our frame.protocols ends in
#   "data" where tshark's goes on through a protocol dissect does not have
#   (MPLS, BGP, CDP, OSI/IS-IS/ES-IS, the PPP control protocols LCP, IPCP,
#   PAP, Multilink, DHCP; behind GRE: NHRP, WCCP, Cisco MetaData, PIM,
#   OSPF, HSRP, STP; LLC behind an 802.1Q tag with a length). There
#   data.len, frame.protocols and the fields only tshark shows (or the
#   further occurrences only tshark has, like the inner ip.src of a tunnel
#   behind one of those) are not compared; every field dissect shows still is.
# - wlan_radio.data_rate and radiotap.datarate of frames with radiotap HE
#   (802.11ax) information: tshark computes the HE data rate, dissect not.
# - 802.11 frames of protocol version 1 (802.11ah): tshark dissects their
#   short header, dissect shows only a note (wlan.fc.version is not 0).
# - 802.11 tagged parameters after an element that one of tshark's element
#   dissectors finds malformed (tshark stops the list there; dissect reads
#   elements by number and length only and goes on): wlan.tag.* are compared
#   only as far as tshark's list goes, and the summary columns of those
#   frames not at all.
# - the summary columns (_ws.col.Protocol, _ws.col.Info) of the frames above;
#   and Info is compared without a trailing "[Packet size limited during
#   capture]" or "[Malformed Packet]": on these captures those come from the
#   IP, ICMP and UDP dissectors above the link layer (the link layers' own
#   marks are checked by tests/unit/test_linktypes.c). Frames whose tshark
#   Info is nothing but "[Malformed Packet]" (a dissector above the link
#   layer gave up before writing any: ICMP in icmp-icmp_print-oobr-2.pcap)
#   are not compared in Info.
# - the summary columns of a frame that ends in an Ethernet header of a type
#   dissect does not take (tshark: Protocol "0x88a7", Info "Ethernet II" or
#   the type's name, "802.1AE (MACsec)" for a MACsec SecTAG too short to be
#   one; dissect: "ETH", "Ethernet II, type 0x88a7") or in an IPv4 header of a
#   version not 4 (tshark "Bogus IPv4 version (0, must be 4)", dissect "Bogus
#   IP version (0)"): Ethernet's and IPv4's wording, met here behind GRE.
# Fields skipped in every frame of a group, "GROUP FIELD":
# - frelay frame.len: two records of vrrp-vrrp_print-oobr.pcap and
#   icmp-icmp_print-oobr-2.pcap say fewer bytes on the wire (34, 0) than
#   they hold (64); tshark shows the record's number, dissect the captured
#   length (the capture reader's choice, not Frame Relay's).
KNOWN=("frelay frame.len")

mapfile -d '' -t ts_e < <(eargs "${TS_FIELDS[@]}")
mapfile -d '' -t our_e < <(eargs "${OUR_FIELDS[@]}")
for g in radiotap ieee80211 ppp chdlc nflog frelay esp gre mpls macsec geneve; do
  mapfile -t files <"$T_TMP/$g.list"
  if ((${#files[@]} == 0)); then
    echo "no $g captures in the corpus"
    continue
  fi
  cap=$T_TMP/$g.pcap
  if ! mergecap -a -F pcap -w "$cap" "${files[@]}" 2>"$T_TMP/$g.merge.err"; then
    # One file mergecap cannot read: keep the others.
    : >"$T_TMP/$g.ok"
    for f in "${files[@]}"; do
      tshark -r "$f" -c 1 >/dev/null 2>&1 && echo "$f" >>"$T_TMP/$g.ok"
    done
    mapfile -t files <"$T_TMP/$g.ok"
    mergecap -a -F pcap -w "$cap" "${files[@]}" 2>/dev/null || {
      fail "$g: mergecap failed" "$(head -3 "$T_TMP/$g.merge.err")"
      continue
    }
  fi
  tshark -r "$cap" -n -T fields -E occurrence=a -E separator=/t "${ts_e[@]}" \
    >"$T_TMP/$g.tshark" 2>/dev/null
  rc=0
  "$D" -r "$cap" -T fields -E occurrence=a -E separator=/t "${our_e[@]}" >"$T_TMP/$g.ours" \
    2>"$T_TMP/$g.err" || rc=$?
  ((rc == 0)) || fail "$g: dissect failed (exit $rc)" "$(head -3 "$T_TMP/$g.err")"
  echo "$g: ${#files[@]} captures, $(wc -l <"$T_TMP/$g.tshark") frames"
  while IFS= read -r line; do
    case $line in
    "ok "*) pass "$g ${line#ok }" ;;
    "FAIL "*)
      rest=${line#FAIL }
      fail "$g ${rest%% *}" "${rest#* }"
      ;;
    "  "*) printf '%s\n' "$line" ;;
    esac
  done < <($PY - "$g" "$T_TMP/fields" "$T_TMP/our-known" "$T_TMP/$g.tshark" "$T_TMP/$g.ours" \
    "${KNOWN[@]}" <<'PYEOF'
import sys
g, fields_f, known_f, ts_f, ours_f = sys.argv[1:6]
known_diff = set(sys.argv[6:])
fields = open(fields_f).read().split("\n")[:-1]
known = open(known_f).read().split("\n")[:-1]
def rows(path, n):
    out = []
    for line in open(path, encoding="utf-8", errors="surrogateescape").read().split("\n")[:-1]:
        c = line.split("\t")
        out.append(c + [""] * (n - len(c)))
    return out
ts, ours = rows(ts_f, len(fields)), rows(ours_f, len(known))
col = {f: i for i, f in enumerate(known)}
tcol = {f: i for i, f in enumerate(fields)}
def tv(r, f):
    return r[tcol[f]] if f in tcol else ""
def ov(r, f):
    return r[col[f]] if f in col else ""
deeper, he, pv, tags_cut = set(), set(), set(), set()
for k in range(min(len(ts), len(ours))):
    o, t = ov(ours[k], "frame.protocols"), tv(ts[k], "frame.protocols")
    if o.endswith("data") and o != t:
        pre = o[:-len("data")]
        if t.startswith(pre) and t != pre.rstrip(":"):
            deeper.add(k)
        # an 802.1Q tag with a length, not a type: dissect's VLAN shows the
        # LLC payload as data (and "ethertype" before it), tshark dissects LLC
        if o.endswith("vlan:ethertype:data") and t.startswith(o[:-len("ethertype:data")] + "llc"):
            deeper.add(k)
    if "1" in tv(ts[k], "radiotap.present.he").split(","):
        he.add(k)
    if tv(ts[k], "wlan.fc.version") not in ("", "0"):
        pv.add(k)
# Columns of frames whose last layer is an Ethernet header with an unknown
# type or a bogus IPv4 header (see KNOWN).
ether_cols = set()
if "_ws.col.Info" in col:
    for k in range(min(len(ts), len(ours))):
        o, t = ov(ours[k], "_ws.col.Info"), tv(ts[k], "_ws.col.Info")
        if o.startswith("Ethernet II, type 0x") or (
                o.startswith("Bogus IP version") and t.startswith("Bogus IPv4 version")):
            ether_cols.add(k)
if "wlan.tag.number" in col:
    for k in range(min(len(ts), len(ours))):
        o, t = ov(ours[k], "wlan.tag.number"), tv(ts[k], "wlan.tag.number")
        if t and o.startswith(t + ","):
            tags_cut.add(k)
if deeper or he or pv:
    print("  %s: not compared (see KNOWN): %d frames deeper in tshark, %d with HE rates, %d 802.11 protocol version not 0"
          % (g, len(deeper), len(he), len(pv)))
def skip(k, f, a, b):
    if k in deeper and (f in ("frame.protocols", "data.len") or f.startswith("_ws.col.")
                        or (a == "" and b != "") or (a != "" and b.startswith(a + ","))):
        return True
    if (k in pv or k in tags_cut) and f.startswith("_ws.col."):
        return True
    if k in ether_cols and f.startswith("_ws.col."):
        return True
    if k in he and f in ("wlan_radio.data_rate", "radiotap.datarate"):
        return True
    if k in pv and f.startswith("wlan.") and a == "":
        return True
    if f.startswith("wlan.tag.") and k in tags_cut:
        return True
    return False
for i, f in enumerate(fields):
    if f in known_diff or ("%s %s" % (g, f)) in known_diff:
        continue
    used = sum(1 for r in ts if r[i] != "")
    if f not in col:
        if used:
            print("FAIL %s not a dissect field (tshark has it in %d frames)" % (f, used))
        continue
    j = col[f]
    bad = []
    for k in range(max(len(ts), len(ours))):
        a = ours[k][j] if k < len(ours) else "<no frame>"
        b = ts[k][i] if k < len(ts) else "<no frame>"
        if f == "_ws.col.Info":
            if b == "[Malformed Packet]":
                continue  # a dissector above the link layer failed before any Info (KNOWN)
            for mark in ("[Packet size limited during capture]", "[Malformed Packet]"):
                a, b = a.replace(mark, ""), b.replace(mark, "")
        if a != b and not skip(k, f, a, b):
            bad.append((k + 1, a, b))
    if not bad:
        if used:
            print("ok %s (%d frames)" % (f, used))
        continue
    print("FAIL %s differs in %d of %d frames" % (f, len(bad), len(ts)))
    for frame, a, b in bad[:3]:
        s = lambda x: x if len(x) <= 100 else x[:100] + "..."
        print("  %s frame %d %s: dissect %r, tshark %r" % (g, frame, f, s(a), s(b)))
    if len(bad) > 3:
        print("  ... and %d more frames" % (len(bad) - 3))
if tags_cut:
    print("  %s: %d frames where tshark's tag list stops early (see KNOWN)" % (g, len(tags_cut)))
PYEOF
  )
done

# Where each frame of a pcapng file was captured: the corpus pcapng files
# appended into one (mergecap -a keeps each file's interfaces with their
# names and descriptions, numbered in one section), -T fields of the
# interface fields and the frame lines of -V ("on interface NAME, id N",
# Section number, Interface id, name, description) against tshark's.
# same_file NAME EXPECTED OURS: equal files, else the first differences
same_file() {
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    mapfile -t d < <(diff "$2" "$3" | head -8)
    fail "$1" "(< tshark, > dissect)" "${d[@]}"
  fi
}
mapfile -t ngs < <(find "$CORPUS" -name '*.pcapng' | sort)
if ((${#ngs[@]} == 0)); then
  echo "no pcapng captures in the corpus"
else
  ng=$T_TMP/interfaces.pcapng
  if mergecap -a -w "$ng" "${ngs[@]}" 2>"$T_TMP/ng.merge.err"; then
    IF=(-e frame.number -e frame.section_number -e frame.interface_id -e frame.interface_name
      -e frame.interface_description)
    tshark -r "$ng" -n -T fields "${IF[@]}" >"$T_TMP/if.tshark" 2>/dev/null
    "$D" -r "$ng" -T fields "${IF[@]}" >"$T_TMP/if.ours" 2>&1
    same_file "pcapng interfaces: -T fields on ${#ngs[@]} files, $(wc -l <"$T_TMP/if.tshark") frames" \
      "$T_TMP/if.tshark" "$T_TMP/if.ours"
    # the frame layer's lines (up to the next layer) that name the interface
    frame_if() { awk '/^[^ ]/ { fr = /^Frame / } fr && /^Frame |^    (Section number|Interface)|^        Interface/'; }
    tshark -r "$ng" -n -V 2>/dev/null | frame_if >"$T_TMP/ifv.tshark"
    "$D" -r "$ng" -V 2>&1 | frame_if >"$T_TMP/ifv.ours"
    same_file "pcapng interfaces: -V frame lines ($(grep -c 'Interface description' "$T_TMP/ifv.tshark") with a description)" \
      "$T_TMP/ifv.tshark" "$T_TMP/ifv.ours"
  else
    fail "pcapng interfaces: mergecap failed" "$(head -3 "$T_TMP/ng.merge.err")"
  fi
fi

finish
