# Shared by the differential tests: which listed fields to compare.
# Sourced after tests/integration/lib.sh, with $D (the dissect binary) and
# $T_TMP set.
#
# field_sets [--dissect-must-know] LIST...
#   Reads the field lists (one field a line, # comments, blanks and repeats
#   dropped) into FIELDS; keeps in TS_FIELDS those tshark knows (a field it
#   does not know makes tshark refuse them all; protocols count as fields) and in OUR_FIELDS those of
#   them dissect knows (only these are asked of dissect). Fails once for each
#   listed field tshark does not know and, with --dissect-must-know, for each
#   one dissect does not know (it is then compared as empty in every sample,
#   so it fails only where tshark shows it). Writes both sets to
#   $T_TMP/fields and $T_TMP/our-known.
field_sets() {
  local must=0 f
  if [[ ${1:-} == --dissect-must-know ]]; then
    must=1
    shift
  fi
  mapfile -t FIELDS < <(cat "$@" | sed 's/#.*//; s/[[:space:]]//g' | awk 'NF && !seen[$0]++')
  tshark -G fields 2>/dev/null | awk -F'\t' '$1 == "F" || $1 == "P" {print $3}' | sort -u >"$T_TMP/tshark-fields"
  "$D" -G fields 2>/dev/null | cut -f1 | sort -u >"$T_TMP/our-fields"
  printf '%s\n' "${FIELDS[@]}" >"$T_TMP/listed"
  TS_FIELDS=() OUR_FIELDS=()
  mapfile -t TS_FIELDS < <(awk 'NR == FNR {k[$0] = 1; next} ($0 in k)' "$T_TMP/tshark-fields" \
    "$T_TMP/listed")
  mapfile -t OUR_FIELDS < <(printf '%s\n' "${TS_FIELDS[@]}" |
    awk 'NR == FNR {k[$0] = 1; next} ($0 in k)' "$T_TMP/our-fields" -)
  while IFS= read -r f; do
    fail "fields list: $f is not a tshark field (fix the list)"
  done < <(awk 'NR == FNR {k[$0] = 1; next} !($0 in k)' "$T_TMP/tshark-fields" "$T_TMP/listed")
  if ((must)); then
    while IFS= read -r f; do
      fail "fields list: $f is not a dissect field"
    done < <(printf '%s\n' "${TS_FIELDS[@]}" |
      awk 'NR == FNR {k[$0] = 1; next} !($0 in k)' "$T_TMP/our-fields" -)
  fi
  printf '%s\n' "${TS_FIELDS[@]}" >"$T_TMP/fields"
  printf '%s\n' "${OUR_FIELDS[@]}" >"$T_TMP/our-known"
}

# eargs FIELD...: "-e FIELD" pairs, NUL-separated, for mapfile -d ''.
eargs() {
  local f
  for f in "$@"; do printf -- '-e\0%s\0' "$f"; done
}
