# shellcheck shell=bash
# Sourced by the fetch-*-captures.sh scripts: fetches the orig tarball of
# one of Debian's source packages and extracts some of its files into a
# directory. Third-party captures (made by others, not by this project) are
# never committed: each machine fetches them with this.
#
#   . tests/thirdparty/debian-source.sh
#   debian_source_extract NAME PKG[=VERSION] DIR STRIP PATTERN...
#
# NAME names the fetch in messages. PKG=VERSION asks for that version and
# falls back to the newest when the archive no longer has it. The files of
# the tarball that match the tar wildcards PATTERN... are extracted into
# DIR, their first STRIP path components removed. Idempotent: when
# DIR/.done exists nothing is fetched; else DIR is replaced as a whole (the
# files go to DIR.tmp first), and DIR/.done names the tarball.
# apt-get runs with a private source list (deb-src of the machine's Debian
# release) and private state and cache directories, so it needs no change
# to the system's apt configuration; apt checks the signature of the
# index, and the tarball's SHA256 against it. Only the orig tarball is
# fetched (not the .dsc and Debian's patches, which these tests do not
# need). Run as root (CI) or with sudo where apt-get needs it.
debian_source_extract() { # NAME PKG[=VERSION] DIR STRIP PATTERN...
  local name=$1 pkg=$2 dir=$3 strip=$4
  shift 4
  if [[ -f $dir/.done ]]; then
    echo "$name already in $dir ($(cat "$dir/.done"))"
    return 0
  fi
  command -v apt-get >/dev/null || {
    echo "$name: apt-get not found" >&2
    return 1
  }
  local suite work
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n $suite ]] || {
    echo "$name: no VERSION_CODENAME in /etc/os-release" >&2
    return 1
  }
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # the directory is known now
  trap "rm -rf '$work'" EXIT
  mkdir -p "$work/parts" "$work/lists/partial" "$work/archives/partial" "$work/src"
  cat >"$work/parts/src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  local apt=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/parts"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives"
    -o APT::Sandbox::User=root)
  "${apt[@]}" update >/dev/null || return 1
  # Only the orig tarball is needed: its address and SHA256 from the
  # signed Sources index, then apt's own download, which checks the hash.
  local uris line url file hash base=${pkg%%=*}
  uris=$(cd "$work/src" && "${apt[@]}" source --print-uris "$pkg" 2>/dev/null) ||
    uris=$(cd "$work/src" && "${apt[@]}" source --print-uris "$base") || return 1
  line=$(grep -E "^'[^']*' ${base}_[^ ]*\.orig\.tar\.[a-z0-9]+ [0-9]+ SHA256:" <<<"$uris" | head -1)
  [[ -n $line ]] || {
    echo "$name: no orig tarball with a SHA256 in the source package $base" >&2
    return 1
  }
  read -r url file _ hash <<<"$line"
  url=${url//\'/}
  /usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$url" "$work/src/$file" "$hash" \
    >/dev/null || return 1
  local tar=$work/src/$file
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  tar -xf "$tar" -C "$dir.tmp" --wildcards --strip-components="$strip" "$@" || return 1
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
  basename "$tar" >"$dir/.done"
}
