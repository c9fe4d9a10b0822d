//! The window follows its vault and stays one window (tauri-driver + WebKitWebDriver under
//! Xvfb, a real gnome-keyring): a key added or revoked with the CLI shows without a click,
//! counts included, and a second start on the same vault leaves one window. Asked, the app
//! marks its first paint on stdout (the start-up benchmark's clock).

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::{app_binary, app_pids, cli, launch, wait_until, App};

/// The sidebar's count of local keys, as a JS expression.
const LOCAL_COUNT: &str = "[...document.querySelectorAll('nav button')]
    .find(b => b.innerText.includes('Local vault'))?.querySelector('.count')?.textContent.trim()";

#[tokio::test(flavor = "multi_thread")]
async fn the_window_follows_the_cli_and_a_second_start_focuses_it() {
    let home = tempfile::tempdir().unwrap();
    cli(
        home.path(),
        &["add", "first-key"],
        "sk_live_follow_first_0123456789",
    );
    let app = App::start(home.path()).await;
    app.wait_rows(&["first-key"]).await;
    assert_eq!(app.js(&format!("return {LOCAL_COUNT}")).await, "1");

    // Nothing is clicked: the CLI changes the vault, the window follows.
    cli(
        home.path(),
        &["add", "added-from-the-cli"],
        "sk_live_follow_added_0123456789",
    );
    app.wait_rows(&["added-from-the-cli", "first-key"]).await;
    app.wait_js(&format!("return {LOCAL_COUNT} === '2'")).await;
    cli(home.path(), &["revoke", "first-key"], "");
    app.wait_js(
        "return document.querySelector('[role=row][data-key-name=\"first-key\"]')?.innerText.includes('revoked')",
    )
    .await;
    app.screenshot("live-window").await;

    // A second start on the same vault hands over to the running window and leaves.
    let mut second = Command::new(app_binary())
        .env("KEYDECK_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the second start exits", Duration::from_secs(30), || {
        second.try_wait().unwrap().is_some()
    });
    assert!(second.wait().unwrap().success());
    assert_eq!(app_pids(home.path()).len(), 1, "one window on the vault");
    // The first window is still there and still follows.
    cli(home.path(), &["rm", "first-key", "--yes"], "");
    app.wait_rows(&["added-from-the-cli"]).await;
    app.stop().await;
}

/// Starts the window with `KEYDECK_BENCH_READY=1` on `home` and returns the nanoseconds its
/// `READY` line gives, checking they fall between the start and the line's arrival.
fn ready_mark(home: &std::path::Path) -> u128 {
    use std::io::{BufRead, BufReader};
    let before = keydeck_core::process::monotonic_ns();
    let mut app = launch(home, true);
    let stdout = app.child.stdout.take().unwrap();
    let (line, got) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = line.send(first);
    });
    let first = got.recv_timeout(Duration::from_secs(60));
    let after = keydeck_core::process::monotonic_ns();
    drop(app);
    let first = first.expect("a READY line within 60 s");
    let ns: u128 = first
        .strip_prefix("READY ")
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("not a READY line: {first:?}"));
    assert!(before < ns && ns < after, "{before} < {ns} < {after}");
    ns
}

#[test]
fn asked_to_the_app_marks_its_first_paint_on_stdout() {
    // The empty vault's first screen counts, and so does a table's first rows.
    let empty = tempfile::tempdir().unwrap();
    ready_mark(empty.path());
    let one = tempfile::tempdir().unwrap();
    cli(
        one.path(),
        &["add", "painted-key"],
        "sk_live_ready_0123456789",
    );
    ready_mark(one.path());
}
