//! The CLI against `sqlite3`: `keydeck list --json` over a vault against `sqlite3 -json`
//! printing the same rows in the same order, both writing to /dev/null, alternating runs.

use std::process::Command;
use std::time::Duration;

use keydeck_testkit::measure::{measure, Measured};

/// The columns `list --json` prints that the keys table holds, in the listing's order.
const SAME_ROWS: &str = "SELECT id, name, mask, scopes, tags, env, created_at, \
     updated_at, last_used_at, expires_at, revoked_at, revoke_reason \
     FROM keys ORDER BY name, id";

pub struct Versus {
    pub ours: Duration,
    pub theirs: Duration,
    pub ours_peak_kib: i64,
    pub theirs_peak_kib: i64,
}

/// `keydeck list --json` and `sqlite3 -json` over a vault of `count` keys: median wall time
/// of `runs` each, and the highest peak memory of any run.
pub async fn list_json(keydeck: &str, count: usize, runs: usize) -> Versus {
    let home = tempfile::tempdir().unwrap();
    keydeck_testkit::bulk_vault(home.path(), count)
        .await
        .close()
        .await;
    let db = home.path().join("vault.sqlite3");
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..runs {
        ours.push(quiet(
            Command::new(keydeck)
                .args(["list", "--json"])
                .env("KEYDECK_HOME", home.path()),
        ));
        theirs.push(quiet(
            Command::new("sqlite3").arg("-json").arg(&db).arg(SAME_ROWS),
        ));
    }
    Versus {
        ours: median(&ours),
        theirs: median(&theirs),
        ours_peak_kib: ours.iter().map(|m| m.peak_kib).max().unwrap_or(0),
        theirs_peak_kib: theirs.iter().map(|m| m.peak_kib).max().unwrap_or(0),
    }
}

fn quiet(command: &mut Command) -> Measured {
    let run = measure(command);
    assert!(run.success, "{command:?} failed");
    run
}

fn median(runs: &[Measured]) -> Duration {
    let mut walls: Vec<Duration> = runs.iter().map(|m| m.wall).collect();
    walls.sort();
    walls[walls.len() / 2]
}
