#!/usr/bin/env bash
# Builds keydeck in release mode and runs the benchmarks (all, or one group: cli, vault,
# remote); paste the table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p keydeck-cli -p keydeck-bench
target="${CARGO_TARGET_DIR:-target}/release"
"$target/keydeck-bench" "$target/keydeck" "$@"
