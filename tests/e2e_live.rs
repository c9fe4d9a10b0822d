//! The window follows its vault and stays one window (tauri-driver + WebKitWebDriver under
//! Xvfb, a real gnome-keyring): a key added or revoked with the CLI shows without a click,
//! counts included, and a second start on the same vault leaves one window.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::{app_binary, app_pids, cli, wait_until, App};

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
