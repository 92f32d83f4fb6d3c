#!/usr/bin/env bash
# Captures each view of dissect-tui as text at 100x30 (through tmux) and
# writes them to docs/tui-screens.md, for the README.
# Usage: tui_screens.sh BIN_DIR SRC_DIR [OUTPUT]   (needs tmux)
set -eu
BIN=$(cd "${1:?bin dir}" && pwd)
SRC=$(cd "${2:?source dir}" && pwd)
OUT=${3:-$SRC/docs/tui-screens.md}
case $OUT in /*) ;; *) OUT="$PWD/$OUT" ;; esac
TUI="$BIN/dissect-tui"
# run from the source tree so the status line shows samples/NAME, not a path
cd "$SRC"
S=samples
command -v tmux >/dev/null || { echo "tui_screens: tmux is needed" >&2; exit 1; }
[ -x "$TUI" ] || { echo "tui_screens: no $TUI" >&2; exit 1; }
SES="dxscreens$$"
# its own tmux server, with a session that outlives the others: killing the
# last session makes a server exit, racing the next new-session
tm() { tmux -L "$SES" "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT
tm new-session -d -s keeper -x 80 -y 24 "sleep 3600"
mkdir -p "$(dirname "$OUT")"

open_tui() { # open_tui FILE [WIDTH HEIGHT [OPTION...]]
  local file=$1 w=${2:-100} h=${3:-30} opts=""
  shift $(($# < 3 ? $# : 3))
  for o in "$@"; do opts+=" $(printf '%q' "$o")"; done
  tm kill-session -t "$SES" 2>/dev/null || true
  tm new-session -d -s "$SES" -x "$w" -y "$h" \
    "env -u SSLKEYLOGFILE TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI$opts $(printf '%q' "$file"); sleep 30"
  for _ in $(seq 50); do
    tm capture-pane -p -t "$SES" | grep -q "Packet details" && break
    sleep 0.1
  done
}
k() { tm send-keys -t "$SES" "$@"; sleep 0.4; }
shot() { # shot TITLE TEXT
  {
    printf '## %s\n\n%s\n\n```\n' "$1" "$2"
    tm capture-pane -p -t "$SES" | sed -e 's/[[:space:]]*$//'
    printf '```\n\n'
  } >>"$OUT"
}

cat >"$OUT" <<'EOF'
# dissect-tui screens

Text captures of each view of `dissect-tui` at 100x30 (the help at 100x50), made by
`tests/integration/tui_screens.sh` (tmux `capture-pane`; colours are not
shown). Press `?` in the program for every key.

EOF

open_tui "$S/https-tls12.pcap"
shot "Packet list" "\`dissect-tui samples/https-tls12.pcap\`: list, tree and bytes of frame 1."
k j j j Tab G Enter j Enter
shot "Layer tree" "Frame 4 (Client Hello); Tab to the tree, G to the TLS layer, Enter to expand it and its record."
k Tab Down Down Down Down Down Down
shot "Hex and ASCII" "Tab to the bytes pane; moving the cursor selects the field of that byte."
k Escape BTab BTab l
shot "Connection ladder (TLS 1.2)" "\`l\` on any packet of the connection: TLS 1.2 needs two round trips after the TCP handshake before the first request."
k q q
open_tui "$S/https-tls13.pcap"
k l
shot "Connection ladder (TLS 1.3)" "The same for TLS 1.3: the request leaves one round trip earlier."
k q q
open_tui "$S/sll-any.pcap"
k G l
shot "Connection ladder with the DNS lookup" "HTTP after a DNS lookup (\`samples/sll-any.pcap\`)."
k q q
open_tui "$S/http.pcap"
k f
shot "Follow stream (HTTP)" "\`f\`: both directions of the connection, client and server in their own colours."
k q
open_tui "$S/https-tls12.pcap"
k f
shot "Follow stream (TLS)" "TLS records are labelled instead of shown as ciphertext; without keys, a note says how to decrypt."
k q
open_tui "$S/https-tls12.pcap" 100 30 --keylog "$S/https-tls12.keylog"
k f
shot "Follow stream (TLS, decrypted)" "\`dissect-tui --keylog samples/https-tls12.keylog samples/https-tls12.pcap\`, \`f\`: the decrypted exchange, as Wireshark's Follow TLS Stream; \`t\` switches to the raw TCP view."
k q l
shot "Connection ladder (TLS 1.2, decrypted)" "The ladder of the same connection names the decrypted HTTP requests and responses."
k q q
open_tui "$S/https-tls13.pcap" 100 30 --keylog "$S/https-tls13.keylog"
k l
shot "Connection ladder (TLS 1.3, decrypted)" "With the key log, the server's encrypted flight is named message by message."
k q q
open_tui "$S/quic-h3.pcap" 100 30 --keylog "$S/quic-h3.keylog"
k l
shot "Connection ladder (QUIC, HTTP/3)" "\`l\` on a QUIC packet: the transport and TLS 1.3 handshakes in one round trip (Initial and Handshake packets), then four HTTP/3 requests on one connection (\`samples/quic-h3.pcap\` with its key log)."
k q q
open_tui "$S/http2.pcap" 100 30 --keylog "$S/http2.keylog"
k f
shot "Follow stream (HTTP/2)" "HTTP/2 over TLS 1.3 with its key log: one line per frame from the http2 fields; \`t\` shows the decrypted bytes, then the raw TCP view."
k q
open_tui "$S/http.pcap"
k c
shot "Conversations" "\`c\`: TCP and UDP flows; s/S choose the sort column, r reverses, Enter filters to the flow."
k q
k / 'tcp.flags.syn == 1 && tcp.flags.ack == 0' Enter
shot "Display filter" "\`/\` and a filter in the CLI's language; Enter applies it."
k / C-u 'tcp.flgs == 1'
shot "A filter error" "The filter compiles as you type; an error is shown under it."
k Escape q
open_tui "$S/http.pcap" 100 50
k '?'
shot "Help" "\`?\` lists every key (here in a terminal of 100x50; in a smaller one the list scrolls)."
k Escape q
echo "wrote $OUT"
