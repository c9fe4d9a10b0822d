#!/usr/bin/env bash
# Builds keydeck in release mode and runs the benchmarks: all, or one group (vault, cli,
# remote, startup, import, frames). Each group writes its rows to bench/results/<group>.json and
# draws bench/results/ratios.svg again from every group's file; `chart` only draws it.
# Paste the printed table into BENCHMARKS.md.
#   bash bench/run.sh startup
set -euo pipefail
cd "$(dirname "$0")/.."
group="${1:-}"
case "$group" in
  "" | vault | cli | remote | startup | import | frames | chart) ;;
  *) echo "usage: bash bench/run.sh [vault|cli|remote|startup|import|frames|chart]" >&2; exit 2 ;;
esac
target="${CARGO_TARGET_DIR:-target}/release"
if [ "$group" = chart ]; then
  cargo build --release --locked -p keydeck-bench
  exec "$target/keydeck-bench" chart
fi
if [ "$group" = frames ]; then
  # Measured inside the release window through WebDriver (tests/frames.rs), so that build
  # keeps WebDriver automation (the `webdriver` feature); the next plain build drops it again.
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --ignore-scripts; } && npm run --silent build)
  cargo build --release --locked -p keydeck-app --features webdriver
  copy=$(mktemp -d -t keydeck-frames.XXXXXX)
  trap 'rm -rf "$copy"' EXIT
  app="$copy/keydeck-app"
  cp "$target/keydeck-app" "$app"
  rm -f bench/results/frames.json
  KEYDECK_FRAMES_APP="$app" KEYDECK_FRAMES_RESULTS="$PWD/bench/results/frames.json" \
    KEYDECK_FRAMES_DATE=$(date +%F) KEYDECK_FRAMES_MACHINE="$(nproc) cores, $(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo) GiB" \
    bash scripts/session.sh cargo nextest run --locked --test frames --run-ignored only \
    --test-threads 1 --no-capture
  cargo build --release --locked -p keydeck-bench
  exec "$target/keydeck-bench" chart
fi

cargo build --release --locked -p keydeck-cli -p keydeck-bench
binaries=(keydeck keydeck-bench)
bin=$(mktemp -d -t keydeck-bench.XXXXXX)
trap 'rm -rf "$bin"' EXIT
if [ -z "$group" ] || [ "$group" = startup ]; then
  # The window embeds ui/dist: without it, it would show a page that never reports READY.
  # Built aside and copied only when it changed: a new ui/dist (even the same files) makes
  # cargo build the window again, six minutes on this machine.
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --ignore-scripts; } \
    && npm run --silent build -- --outDir "$bin/dist" --emptyOutDir >/dev/null)
  if ! diff -r -q "$bin/dist" ui/dist >/dev/null 2>&1; then
    rm -rf ui/dist && cp -r "$bin/dist" ui/dist
  fi
  rm -rf "$bin/dist"
  # A cargo run of their own, not with the CLI's: one run unifies its packages' features,
  # and the CLI must be the binary its own build gives. Built together, the window and the
  # empty one get the same Tauri features.
  cargo build --release --locked -p keydeck-app -p keydeck-bench-empty-window
  binaries+=(keydeck-app keydeck-bench-empty-window)
fi

# The binaries run from a copy: the target folder may be shared with another checkout, whose
# next build would replace them mid-run. The bench finds the windows beside `keydeck`.
for name in "${binaries[@]}"; do cp "$target/$name" "$bin/"; done
run=("$bin/keydeck-bench" "$bin/keydeck" "$@")

# The window needs a display and the import its Secret Service: scripts/session.sh gives
# both (Xvfb, a private D-Bus session, an unlocked throwaway gnome-keyring). The groups that
# need neither run without it, as their figures in BENCHMARKS.md were measured: no Xvfb or
# keyring daemon beside them.
case "$group" in
  "" | startup | import) bash scripts/session.sh "${run[@]}" ;;
  *) "${run[@]}" ;;
esac
