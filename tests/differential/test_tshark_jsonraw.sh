#!/usr/bin/env bash
# `dissect -T json -x` and `-T ek -x`: tshark 4.0's NAME_raw members
# (issue 12). For each sample, every name both write a NAME_raw for: the
# raw values equal tshark's (-T json: hex, offset, length, bitmask and
# Wireshark's ftenum type; -T ek: the hex), packet by packet, but the
# names listed with a reason in jsonraw-known.txt. Also: the -x output
# validates against docs/json.schema.json, docs/ek.schema.json and
# docs/jsontree.schema.json; -x no longer warns; without -x nothing
# changes. Expected values come from tshark, never from dissect. Skipped
# (exit 77) when tshark is not installed.
# Usage: test_tshark_jsonraw.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_jsonraw.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_jsonraw.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
HERE=$SRC/tests/differential
[[ -x $D ]] || skip "$D not built"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
t_tmpdir
unset SSLKEYLOGFILE
export TZ=UTC

# ---------------------------------------------------------------- no warning
for form in json ek jsontree; do
  "$D" -r "$S/dns.pcap" -c 2 -T $form -x >"$T_TMP/out" 2>"$T_TMP/err"
  rc=$?
  if [[ $rc -eq 0 && ! -s $T_TMP/err ]] && grep -q '_raw\|"data"' "$T_TMP/out"; then
    pass "-T $form -x: no warning, the raw bytes written"
  else
    fail "-T $form -x: no warning, the raw bytes written" "rc $rc: $(head -c 200 "$T_TMP/err")"
  fi
done
# -x changes nothing without it, and with -e (tshark ignores -x there too)
if [[ $("$D" -r "$S/http.pcap" -c 5 -T json | grep -c '_raw"') == "$("$D" -r "$S/http.pcap" -c 5 -T json -x | grep -c '"tcp.seq_raw"')" ]] &&
  ! "$D" -r "$S/http.pcap" -c 5 -T json | grep -q '"frame_raw"'; then
  pass "-T json without -x: no NAME_raw members"
else
  fail "-T json without -x: no NAME_raw members"
fi
a=$("$D" -r "$S/dns.pcap" -c 3 -T ek -e ip.src)
b=$("$D" -r "$S/dns.pcap" -c 3 -T ek -e ip.src -x 2>&1)
if [[ -n $a && $a == "$b" ]]; then pass "-T ek -e: -x changes nothing (as tshark)"; else
  fail "-T ek -e: -x changes nothing (as tshark)"; fi

# ---------------------------------------------------------------- schemas
if $PY -c "import jsonschema" 2>/dev/null; then
  for cap in dns.pcap http.pcap tcp-anomalies.pcap https-tls12.pcap quic-h3.pcap; do
    f=$S/$cap
    kl=${f%.*}.keylog
    dargs=(-r "$f")
    [[ -f $kl ]] && dargs+=(--keylog "$kl")
    for form in json ek jsontree; do
      "$D" "${dargs[@]}" -T $form -x >"$T_TMP/o.$form"
      if res=$($PY - "$SRC/docs/$form.schema.json" "$T_TMP/o.$form" "$form" 2>&1 <<'PYEOF'
import json, sys, jsonschema
sch, path, form = sys.argv[1:4]
txt = open(path, encoding="utf-8").read()
doc = [json.loads(l) for l in txt.splitlines()] if form == "ek" else json.loads(txt)
jsonschema.validate(doc, json.load(open(sch)))
n = txt.count('_raw"') if form != "jsontree" else txt.count('"data"')
if not n:
    raise SystemExit("no raw member")
print(n)
PYEOF
      ); then
        pass "$cap -T $form -x: valid against docs/$form.schema.json (${res} raw members)"
      else
        fail "$cap -T $form -x: valid against docs/$form.schema.json" "$(echo "$res" | tail -3)"
      fi
    done
  done
else
  echo "note: python3-jsonschema not installed: the -x output is not validated"
fi

# ---------------------------------------------------------------- tshark
if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIPPED: tshark is not installed (apt-get install tshark): NAME_raw not compared with it"
  finish
fi
export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
mkdir -p "$WIRESHARK_CONFIG_DIR"
for cap in dns.pcap http.pcap https-tls12.pcap tcp-anomalies.pcap quic-h3.pcap; do
  f=$S/$cap
  [[ -f $f ]] || continue
  kl=${f%.*}.keylog
  dargs=(-r "$f")
  targs=(-n -r "$f")
  if [[ -f $kl ]]; then
    dargs+=(--keylog "$kl")
    targs+=(-o "tls.keylog_file:$kl")
  fi
  for form in json ek; do
    tshark "${targs[@]}" -T $form -x >"$T_TMP/t.$form" 2>/dev/null
    "$D" "${dargs[@]}" -T $form -x >"$T_TMP/o.$form"
    out=$($PY "$HERE/jsonraw_cmp.py" $form "$T_TMP/t.$form" "$T_TMP/o.$form" "$HERE/jsonraw-known.txt" 2>&1)
    eq=$(echo "$out" | awk -F'\t' '/^equal/{print $2 " values of " $3 " names"}')
    kn=$(echo "$out" | awk -F'\t' '/^known/{print $2}')
    bad=$(echo "$out" | grep -v '^equal\|^known')
    if [[ -n $eq && ${eq%% *} -gt 0 && -z $bad ]]; then
      pass "$cap -T $form -x: NAME_raw equal tshark's: $eq; known differences (jsonraw-known.txt, packets): ${kn:-none}"
    else
      fail "$cap -T $form -x: NAME_raw equal tshark's (${eq:-nothing compared})" "$(echo "$bad" | head -3)"
    fi
  done
done
finish
