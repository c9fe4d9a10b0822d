#!/usr/bin/env bash
# Builds keydeck's Linux packages, release mode: a .deb and an .rpm holding the window
# (/usr/bin/keydeck-app, its .desktop entry and icons) and the CLI (/usr/bin/keydeck).
# AppImage is left out: its bundler downloads linuxdeploy from GitHub at build time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh packaging
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
target="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build --release --locked -p keydeck-cli
# tauri.conf.json maps the CLI from target/release; a CARGO_TARGET_DIR elsewhere moves it.
cli="{\"/usr/bin/keydeck\": \"$target/release/keydeck\"}"
cargo tauri build --bundles deb,rpm \
  --config "{\"bundle\":{\"linux\":{\"deb\":{\"files\":$cli},\"rpm\":{\"files\":$cli}}}}" \
  -- --locked

version=$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' tauri.conf.json | head -1)
deb="$target/release/bundle/deb/keydeck_${version}_$(dpkg --print-architecture).deb"
rpm=$(ls "$target/release/bundle/rpm/keydeck-${version}"-*.rpm)
[ -s "$deb" ] && [ -s "$rpm" ] || { echo "package: the bundles are missing" >&2; exit 1; }
echo "keydeck: packages built"
echo "  $deb    (install: sudo apt install $deb)"
echo "  $rpm"
