//! `list` and `export` print keys as the vault reads them: a reader that stops early
//! (`keydeck list --json | head -1`) ends the command quietly with exit 0, and memory does
//! not grow with the number of keys.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::Home;
use keydeck_testkit::measure::measure;

/// A vault of `count` keys (secrets in a memory store: listing never reads the keyring).
fn bulk_home(count: usize) -> Home {
    let home = Home::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let vault = keydeck_testkit::bulk_vault(home.path(), count).await;
        vault.close().await;
    });
    home
}

/// Runs keydeck, reads the first line of its output, then closes the pipe as `head -1` does.
fn first_line_then_close(home: &Home, args: &[&str]) -> (String, i32, String) {
    let mut child = home.command(args).stdin(Stdio::null()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (first, out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn a_reader_that_stops_early_ends_list_and_export_quietly() {
    // Far more output than a pipe holds, so keydeck is still writing when the reader goes.
    let home = bulk_home(3_000);
    for args in [
        &["list", "--json"][..],
        &["list"],
        &["export"],
        &["export", "--format", "csv"],
    ] {
        let (first, code, stderr) = first_line_then_close(&home, args);
        assert!(!first.is_empty(), "`{args:?}` printed nothing");
        assert_eq!(code, 0, "`{args:?}` after its reader left: {stderr}");
        assert_eq!(
            stderr, "",
            "`{args:?}` said something after its reader left"
        );
    }
}

#[test]
fn a_streamed_listing_is_whole_valid_json_in_the_vaults_order() {
    let home = bulk_home(2_500);
    let out = home.run(&["list", "--json", "--sort", "name"], None).ok();
    let keys = out.json();
    let names: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2_500);
    assert!(names.windows(2).all(|w| w[0] < w[1]), "not sorted by name");
    // The table's widths come from the first keys; every key still has its own line.
    let table = home.run(&["list"], None).ok();
    assert_eq!(
        table.stdout.lines().count(),
        2_501,
        "a header and one line per key"
    );
}

/// Peak resident memory of `keydeck ARGS`, in KiB.
fn peak_kib(home: &Home, args: &[&str]) -> i64 {
    let run = measure(&home.command(args));
    assert!(run.success, "{args:?} failed");
    run.peak_kib
}

#[test]
fn memory_does_not_grow_with_the_number_of_keys() {
    let small = bulk_home(2_000);
    let large = bulk_home(40_000);
    for args in [&["list", "--json"][..], &["list"], &["export"]] {
        let (small_kib, large_kib) = (peak_kib(&small, args), peak_kib(&large, args));
        // Holding 40,000 keys takes tens of MiB (each is ~1 KiB as a record, more as JSON):
        // twenty times the keys must cost less than 8 MiB more.
        assert!(
            large_kib - small_kib < 8 * 1024,
            "{args:?}: {small_kib} KiB at 2,000 keys, {large_kib} KiB at 40,000"
        );
    }
}
