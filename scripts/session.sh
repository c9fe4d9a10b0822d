#!/usr/bin/env bash
# Runs a command the way keydeck's tests need it: a display (Xvfb unless one works
# already), a private D-Bus session, and a fresh gnome-keyring unlocked with a throwaway
# password, all gone when the command ends.
#   scripts/session.sh cargo nextest run --workspace
set -euo pipefail

xvfb_pid=
keyring_home=$(mktemp -d -t keydeck-session.XXXXXX)
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  # A desktop portal the webview woke up may have left its FUSE mount here.
  fusermount -u "$keyring_home/.cache/doc" 2>/dev/null || true
  rm -rf "$keyring_home" 2>/dev/null || true
}
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ] || ! xdpyinfo >/dev/null 2>&1; then
  display=99
  while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do
    display=$((display + 1))
  done
  Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=":$display"
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  xdpyinfo >/dev/null 2>&1 || { echo "session: Xvfb did not start" >&2; exit 1; }
fi
export NO_AT_BRIDGE=1

# gnome-keyring keeps its files under $HOME: give it a throwaway one, but keep the real
# toolchain.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"
export HOME="$keyring_home"
export XDG_DATA_HOME="$keyring_home/.local/share"

exec_in_bus='
  echo -n keydeck-session | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  for _ in $(seq 50); do
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true && break
    sleep 0.1
  done
  "$@"
'
# Not `exec`: the trap above must still clean up.
dbus-run-session -- bash -c "$exec_in_bus" keydeck-session "$@"
