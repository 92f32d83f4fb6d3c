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
trap 'tmux kill-session -t "$SES" 2>/dev/null || true' EXIT
mkdir -p "$(dirname "$OUT")"

open_tui() { # open_tui FILE [WIDTH HEIGHT]
  tmux kill-session -t "$SES" 2>/dev/null || true
  tmux new-session -d -s "$SES" -x "${2:-100}" -y "${3:-30}" \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI $(printf '%q' "$1"); sleep 30"
  for _ in $(seq 50); do
    tmux capture-pane -p -t "$SES" | grep -q "Packet details" && break
    sleep 0.1
  done
}
k() { tmux send-keys -t "$SES" "$@"; sleep 0.4; }
shot() { # shot TITLE TEXT
  {
    printf '## %s\n\n%s\n\n```\n' "$1" "$2"
    tmux capture-pane -p -t "$SES" | sed -e 's/[[:space:]]*$//'
    printf '```\n\n'
  } >>"$OUT"
}

cat >"$OUT" <<'EOF'
# dissect-tui screens

Text captures of each view of `dissect-tui` at 100x30 (the help at 100x46), made by
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
shot "Follow stream (TLS)" "TLS records are labelled instead of shown as ciphertext."
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
open_tui "$S/http.pcap" 100 46
k '?'
shot "Help" "\`?\` lists every key (here in a terminal of 100x46; in a smaller one the list scrolls)."
k Escape q
echo "wrote $OUT"
