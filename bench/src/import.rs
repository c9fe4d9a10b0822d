//! `keydeck import` of 200 keys from a .env file against 200 `secret-tool store` calls (one
//! process per secret, the secret on stdin) in the same keyring, alternating runs: storing a
//! key should cost no more than storing its secret by hand. Needs the Secret Service:
//! bench/run.sh runs this group under scripts/session.sh.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::results::{median, ms, Row};

const KEYS: usize = 200;
/// Runs of each, alternating (after one unmeasured run of each).
const RUNS: usize = 5;

pub fn run(keydeck: &str) -> Vec<Row> {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("keys.env");
    let lines: String = (0..KEYS)
        .map(|i| format!("BENCH_KEY_{i:03}={}\n", secret(i)))
        .collect();
    std::fs::write(&env, lines).unwrap();
    import(keydeck, &env, true);
    store_each(true);
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for run in 1..=RUNS {
        ours.push(ms(import(keydeck, &env, false)));
        theirs.push(ms(store_each(false)));
        eprintln!(
            "import: run {run}: keydeck import {:.1} ms, {KEYS} × secret-tool store {:.1} ms",
            ours[run - 1],
            theirs[run - 1]
        );
    }
    vec![Row::new(
        format!("`keydeck import` of {KEYS} keys from a .env file (median of {RUNS})"),
        median(&ours),
        median(&theirs),
        &format!("{KEYS} × `secret-tool store`, same secrets"),
        "ms",
    )
    .target(1.0)]
}

fn secret(i: usize) -> String {
    format!("kd_bench_import_{i:03}_0123456789abcdefghijklmnopqrstuv")
}

/// One `keydeck import` into a new vault; the keyring is emptied of its items afterwards, so
/// every run (ours and the baseline's) starts from the same keyring. `check`: the keyring
/// held all the keys.
fn import(keydeck: &str, env: &Path, check: bool) -> Duration {
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let status = Command::new(keydeck)
        .arg("import")
        .arg(env)
        .env("KEYDECK_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("keydeck runs");
    let took = started.elapsed();
    assert!(status.success(), "keydeck import failed ({status})");
    if check {
        assert_eq!(items("keydeck"), KEYS, "keydeck import stored every secret");
    }
    clear("keydeck");
    took
}

/// `secret-tool store` once per key, as a person (or a script) would store them by hand.
fn store_each(check: bool) -> Duration {
    let started = Instant::now();
    for i in 0..KEYS {
        let mut store = Command::new("secret-tool")
            .args(["store", "--label=x", "service", "bench", "user"])
            .arg(i.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("secret-tool runs (scripts/setup.sh installs it)");
        let mut stdin = store.stdin.take().expect("stdin is piped");
        stdin.write_all(secret(i).as_bytes()).unwrap();
        drop(stdin);
        assert!(store.wait().unwrap().success(), "secret-tool store failed");
    }
    let took = started.elapsed();
    if check {
        assert_eq!(items("bench"), KEYS, "secret-tool stored every secret");
    }
    clear("bench");
    took
}

/// How many keyring items have `service` = `service`.
fn items(service: &str) -> usize {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .stderr(Stdio::null())
        .output()
        .expect("secret-tool runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| line.starts_with('['))
        .count()
}

/// Removes every keyring item with `service` = `service`.
fn clear(service: &str) {
    let status = Command::new("secret-tool")
        .args(["clear", "service", service])
        .status()
        .expect("secret-tool runs");
    assert!(status.success(), "secret-tool clear failed");
}
