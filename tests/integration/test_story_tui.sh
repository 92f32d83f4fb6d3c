#!/usr/bin/env bash
# dissect-tui writes a connection's story (ladder view, `w` then t/j/m/s)
# through the same library layer as `dissect --story`: the four files it
# writes must be byte for byte what `dissect --story FORMAT -Y "tcp.stream
# == N"` writes for the same connection (times, frames and DNS lookup
# included), on samples/story.pcap (a DNS lookup, then HTTPS) and on the
# second connection of samples/tls12-resume.pcap.
# Usage: test_story_tui.sh BIN_DIR SRC_DIR   (exit 77 = skipped: no tmux)
set -uo pipefail
BIN=${1:?usage: test_story_tui.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_story_tui.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

TUI=$BIN/dissect-tui
D=$BIN/dissect
S=$SRC/samples
command -v tmux >/dev/null 2>&1 || skip "tmux not installed"
[[ -x $TUI && -x $D ]] || skip "dissect-tui or dissect not built"
[[ -f $S/story.pcap ]] || skip "no sample captures in $S"
BIN=$(cd "$BIN" && pwd)
TUI=$BIN/dissect-tui
D=$BIN/dissect
t_tmpdir
SESSION="dxstory$$"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null; rm -rf "$T_TMP"' EXIT

screen() { tmux capture-pane -p -t "$SESSION"; }
wait_for() { # REGEX [SECONDS]
  local i
  for ((i = 0; i < ${2:-10} * 10; i++)); do
    screen | grep -q -- "$1" && return 0
    sleep 0.1
  done
  return 1
}

# story_of PCAP KEYLOG STREAM DOWN: opens the capture in the TUI, moves the
# selection DOWN rows (onto a packet of the connection), opens the ladder
# and writes the story in the four formats; then compares with dissect.
story_of() {
  local pcap=$1 keylog=$2 stream=$3 down=$4 k ext fmt i
  local dir=$T_TMP/$(basename "$pcap" .pcap)
  mkdir -p "$dir"
  tmux kill-session -t "$SESSION" 2>/dev/null
  tmux new-session -d -s "$SESSION" -x 120 -y 40 -c "$dir" \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $(printf '%q' "$TUI") --keylog $(printf '%q' "$keylog") $(printf '%q' "$pcap"); sleep 30"
  wait_for "Packet details" 15 || { fail "$(basename "$pcap"): dissect-tui starts" "$(screen)"; return; }
  for ((i = 0; i < down; i++)); do tmux send-keys -t "$SESSION" j; sleep 0.1; done
  tmux send-keys -t "$SESSION" l
  wait_for "Connection ladder: tcp.stream $stream" || { fail "$(basename "$pcap"): ladder of stream $stream" "$(screen)"; return; }
  for k in t j m s; do
    tmux send-keys -t "$SESSION" w
    wait_for "write the story of tcp.stream $stream as" || fail "$(basename "$pcap"): w asks for a format" "$(screen)"
    tmux send-keys -t "$SESSION" "$k"
    case $k in t) ext=txt ;; j) ext=json ;; m) ext=mmd ;; s) ext=svg ;; esac
    wait_for "written to dissect-story-$stream.$ext" \
      && pass "$(basename "$pcap"): w $k writes dissect-story-$stream.$ext" \
      || fail "$(basename "$pcap"): w $k writes dissect-story-$stream.$ext" "$(screen)"
  done
  tmux kill-session -t "$SESSION" 2>/dev/null
  for ext in txt json mmd svg; do
    case $ext in txt) fmt=text ;; json) fmt=json ;; mmd) fmt=mermaid ;; svg) fmt=svg ;; esac
    "$D" -r "$pcap" --keylog "$keylog" --story "$fmt" -Y "tcp.stream == $stream" >"$dir/cli.$ext" 2>&1
    if [[ -s $dir/dissect-story-$stream.$ext ]] && cmp -s "$dir/cli.$ext" "$dir/dissect-story-$stream.$ext"; then
      pass "$(basename "$pcap"): the TUI's $fmt story is dissect --story $fmt -Y 'tcp.stream == $stream'"
    else
      fail "$(basename "$pcap"): the TUI's $fmt story is dissect --story $fmt -Y 'tcp.stream == $stream'" \
        "$(diff "$dir/cli.$ext" "$dir/dissect-story-$stream.$ext" 2>&1 | head -5)"
    fi
  done
}

# story.pcap: frame 3 (two rows down) is the SYN of tcp.stream 0
story_of "$S/story.pcap" "$S/story.keylog" 0 2
# tls12-resume.pcap: frame 18 (17 rows down) is the SYN of tcp.stream 1
story_of "$S/tls12-resume.pcap" "$S/tls12-resume.keylog" 1 17
finish
