#!/usr/bin/env bash
# `dissect -T json` of big captures this project did not make (issue 12:
# "the JSON of big captures is no larger than tshark's and validates
# against its schema"): Wireshark's two largest test captures (a TLS 1.3
# download with its secrets embedded and out-of-order segments; Chrome over
# QUIC with HTTP/3) and nDPI's zoom2.pcap (12,000 frames of a video call):
#   - no more bytes than `tshark -T json` of the same file;
#   - every packet is one JSON object, the whole output validates against
#     docs/json.schema.json (python3-jsonschema; on the QUIC capture, the
#     others take too long to validate in every CI run).
# Expected values come from tshark and from the schema, never from dissect.
# Skipped (77) without tshark or when neither set of captures was fetched.
# Usage: test_json_thirdparty.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_json_thirdparty.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_json_thirdparty.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

W=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}/captures
N=${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}
CAPS=()
for f in "$W/challenge01_ooo_stream.pcapng.gz" "$W/quic_follow_multistream.pcapng" "$N/zoom2.pcap"; do
  [[ -f $f ]] && CAPS+=("$f")
done
((${#CAPS[@]})) || skip "neither Wireshark's nor nDPI's test captures were fetched (tests/thirdparty/)"

for f in "${CAPS[@]}"; do
  name=$(basename "$f")
  theirs=$(tshark -n -r "$f" -T json 2>/dev/null | wc -c)
  "$D" -n -r "$f" -T json >"$T_TMP/out.json" 2>"$T_TMP/err"
  ours=$(wc -c <"$T_TMP/out.json")
  if ((theirs > 0 && ours > 0 && ours <= theirs)); then
    pass "$name: -T json $ours bytes, no more than tshark's $theirs ($((100 * ours / theirs))%)"
  else
    fail "$name: -T json $ours bytes, no more than tshark's $theirs" "$(head -3 "$T_TMP/err")"
  fi
  [[ $name == quic_follow_multistream.pcapng ]] || continue
  if ! $PY -c 'import jsonschema' 2>/dev/null; then
    echo "note: python3-jsonschema is not installed: $name's JSON not validated"
    continue
  fi
  if out=$($PY - "$SRC/docs/json.schema.json" "$T_TMP/out.json" 2>&1 <<'PYEOF'
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
doc = json.load(open(sys.argv[2]))
errs = list(v.iter_errors(doc))
for e in errs[:3]:
    print("%s: %s" % ("/".join(str(x) for x in e.absolute_path), e.message[:200]))
print("%d packets, %d errors" % (len(doc), len(errs)))
sys.exit(1 if errs or not doc else 0)
PYEOF
  ); then
    pass "$name: the whole -T json output validates against docs/json.schema.json (${out##*$'\n'})"
  else
    fail "$name: the whole -T json output validates against docs/json.schema.json" "$out"
  fi
done
finish
