#!/usr/bin/env bash
# Sets up, builds (release: no devtools, no WebDriver control) and starts the keydeck window
# on the local vault (KEYDECK_HOME or ~/.local/share/keydeck). On a machine without a desktop session it runs under Xvfb with a
# throwaway keyring and vault, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
(cd ui && npm run --silent build)
cargo build --release --locked -p keydeck-app -p keydeck-cli
bin="${CARGO_TARGET_DIR:-target}/release"
echo "keydeck: the CLI is $bin/keydeck"
# Packages, when scripts/package.sh has built them: what to install instead of running from here.
for package in "$bin"/bundle/deb/keydeck_*.deb "$bin"/bundle/rpm/keydeck-*.rpm; do
  [ -f "$package" ] && echo "keydeck: a package to install: $package"
done

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec "$bin/keydeck-app"
fi

demo_home=$(mktemp -d -t keydeck-demo.XXXXXX)
trap 'rm -rf "$demo_home"' EXIT
echo "keydeck: no desktop session here, so the window runs under Xvfb with a throwaway"
echo "         keyring and a throwaway vault in $demo_home (gone when it stops)."
echo "         Screenshot it from another shell: import -display \$(cat $demo_home/display) -window root shot.png"
export KEYDECK_HOME="$demo_home"
bash scripts/session.sh bash -c 'echo "$DISPLAY" > "$KEYDECK_HOME/display"; exec "$0"' "$bin/keydeck-app"
