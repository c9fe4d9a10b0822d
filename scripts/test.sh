#!/usr/bin/env bash
# Sets up and runs every check and test: formatting, lints, the UI's checks and unit tests,
# and the Rust tests (unit, real-keyring integration, CLI, crash, E2E in the real window).
set -euo pipefail
cd "$(dirname "$0")/.."
# KEYDECK_SKIP_SETUP=1: the tools are installed already (another distribution, a dev box).
if [ -z "${KEYDECK_SKIP_SETUP:-}" ]; then
  bash scripts/setup.sh
fi
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

# A fresh clone gains nothing from incremental caches; they would double target/'s size.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

step() { printf '\n== %s\n' "$*"; }

step "UI: build, type check, unit tests"
(cd ui && npm run --silent build && npm run --silent check && npm test)

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo deny check licenses bans sources (advisories need GitHub: see deny.toml)"
cargo deny --locked check licenses bans sources

step "no source file over ~500 lines, no function over ~60"
python3 scripts/sizes.py

step "keydeck-core has no tauri dependency"
if cargo tree -p keydeck-core --locked -e normal,build --prefix none | grep -E '^tauri' ; then
  echo "keydeck-core must not depend on tauri" >&2
  exit 1
fi
echo "ok"

step "a release build of the window (for the test that it refuses WebDriver)"
cargo build --locked --profile release-smoke --bin keydeck-app

step "Rust tests under Xvfb + D-Bus + gnome-keyring"
bash scripts/session.sh cargo nextest run --workspace --locked --no-fail-fast

step "packages: build the .deb and .rpm, install the .deb, use it, remove it"
bash scripts/package.sh
bundle="${CARGO_TARGET_DIR:-target}/release/bundle"
bash scripts/session.sh bash tests/package_install.sh \
  "$(ls -t "$bundle"/deb/keydeck_*.deb | head -1)" "$(ls -t "$bundle"/rpm/keydeck-*.rpm | head -1)"
