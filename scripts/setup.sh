#!/usr/bin/env bash
# Installs everything keydeck needs to build, run and test on Debian 12: system packages,
# Rust tools, tauri-driver and the UI's npm packages. Safe to run again: it only does what
# is missing. `setup.sh packaging` adds what building the .deb and .rpm needs (the Tauri CLI,
# which takes minutes to compile: the run command does without it).
set -euo pipefail
cd "$(dirname "$0")/.."
packaging=false
[ "${1:-}" = packaging ] && packaging=true

APT_PACKAGES=(
  # Tauri / WebKitGTK
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  build-essential pkg-config libssl-dev libxdo-dev
  # The real OS keyring (Secret Service) for the vault and its tests
  dbus-x11 libdbus-1-dev gnome-keyring libsecret-tools libglib2.0-bin
  # A display for the window and E2E tests, screenshots, the clipboard
  xvfb xauth x11-utils imagemagick xclip xdotool
  # A tray to dock in (an XEmbed system tray) for the tray's E2E test
  trayer
  # WebDriver for the E2E tests (WebKitWebDriver)
  webkit2gtk-driver
  # The benchmarks' baselines and their peak-memory figures (GNU time)
  sqlite3 time
  # Downloads
  curl ca-certificates git
)
# Checking the packages: the .desktop entry's validator, and rpm to read the .rpm's contents.
$packaging && APT_PACKAGES+=(desktop-file-utils rpm)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# Rust: the toolchain, its linters and the test runner.
if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing Rust with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  . "$HOME/.cargo/env"
fi
if ! cargo clippy --version >/dev/null 2>&1 || ! cargo fmt --version >/dev/null 2>&1; then
  rustup component add clippy rustfmt
fi
if ! command -v cargo-nextest >/dev/null 2>&1; then
  cargo install cargo-nextest --locked
fi
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --version '^2' --locked
fi
if ! command -v cargo-deny >/dev/null 2>&1; then
  cargo install cargo-deny --locked
fi
# The Tauri CLI bundles the .deb and .rpm (2.x: the registry's newest are 3.0 alphas).
if $packaging && ! cargo tauri --version 2>/dev/null | grep -q '^tauri-cli 2\.'; then
  cargo install tauri-cli --version '^2' --locked
fi

# Node.js for the UI (Vite 8 needs 20.19 or newer).
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing Node.js"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $(node --version) is too old; keydeck's UI needs Node.js 20.19 or newer" >&2
  exit 1
fi

# npm packages, reinstalled only when package-lock.json changed. No install scripts run: a
# compromised package gets no chance to run code on this machine at install time.
stamp=ui/node_modules/.keydeck-lock-sha256
want=$(sha256sum ui/package-lock.json | cut -d' ' -f1)-ignore-scripts
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  (cd ui && npm ci --no-audit --no-fund --ignore-scripts)
  echo "$want" > "$stamp"
fi
echo "setup: done"
