# Sourced by run-all.sh and speed.sh. opts_of HARNESS prints the libFuzzer
# options of a harness beyond the common ones (its dictionary, -max_len).
# Needs FZ (this directory).
opts_of() {
  case $1 in
  fuzz_filter) echo "-dict=$FZ/fuzz_filter.dict" ;;
  fuzz_stream) echo "-dict=$FZ/fuzz_stream.dict -max_len=8192" ;;
  fuzz_http2) echo "-dict=$FZ/fuzz_http2.dict -max_len=8192" ;;
  fuzz_tls_decrypt) echo "-max_len=4096" ;;
  fuzz_packet | fuzz_story | fuzz_dns | fuzz_x509) echo "-dict=$FZ/fuzz_stream.dict" ;;
  fuzz_http) echo "-dict=$FZ/fuzz_stream.dict -max_len=16384" ;;
  fuzz_capture) echo "-max_len=65536" ;;
  esac
}

# harness_names: the harnesses to run into the array `names`: $HARNESSES
# ("fuzz_dns fuzz_http"), else every fuzz_*.c of this directory.
harness_names() {
  if [[ -n ${HARNESSES:-} ]]; then
    read -r -a names <<<"$HARNESSES"
  else
    names=()
    for f in "$FZ"/fuzz_*.c; do names+=("$(basename "$f" .c)"); done
  fi
}
