//! Quick access from anywhere, in the real window (Xvfb, D-Bus, a real gnome-keyring): the
//! global shortcut recorded in Settings, pressed with xdotool as a person presses it, shows
//! the palette over everything; typing and Enter copy a key's secret (xclip sees it), which
//! is cleared after the set time; the key copied last comes first the next time; Esc hides
//! the palette; and a shortcut turned off opens nothing.

mod support;

use std::process::Command;
use std::time::Duration;

use serde_json::json;
use support::{cli, clipboard, settings, wait_until, App};
use thirtyfour::prelude::*;

const ALPHA: &str = "qa-alpha-canary-0123456789abcdef";
const BETA: &str = "qa-beta-canary-0123456789abcdef";
/// The shortcut set in Settings, and the same keys in xdotool's words. Not the default
/// Ctrl+Shift+K: other windows under test may hold that one.
const SHORTCUT: &str = "Ctrl+Alt+J";
const PRESS: &str = "ctrl+alt+j";

/// A beat after the palette says it is ready, as a person's eyes take.
const PALETTE_DRAWS: Duration = Duration::from_millis(300);

fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The palette's X windows while they show, found by process and by a title matching
/// `title` (a regular expression).
fn palette(pid: &str, title: &str) -> Vec<String> {
    xdotool(&[
        "search",
        "--all",
        "--onlyvisible",
        "--pid",
        pid,
        "--name",
        title,
    ])
    .split_whitespace()
    .map(str::to_string)
    .collect()
}

/// The palette shows, loading or not.
fn shown(pid: &str) -> bool {
    !palette(pid, "^keydeck quick access").is_empty()
}

/// The palette has drawn its keys and its search box has the focus: its page then titles
/// the window exactly so.
fn ready(pid: &str) -> bool {
    !palette(pid, "^keydeck quick access$").is_empty()
}

/// Saves the quick access shortcut as a person records it: the keys pressed in its field.
async fn record_shortcut(app: &App, keys: TypingData) {
    app.click("Settings").await;
    let field = app
        .find(By::Css("input[aria-describedby='shortcut-hint']"))
        .await;
    field.click().await.unwrap();
    field.send_keys(keys).await.unwrap();
    app.click("Save").await;
    app.wait_js("return document.querySelector('[role=dialog]') === null")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn quick_access_by_global_shortcut_copies_to_the_clipboard() {
    // Its keys go to a display of its own: on the shared one another test's open `<select>`
    // grabbed the keyboard and a shortcut press was lost.
    let _display = support::own_display(150);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    settings(h, json!({ "clipboard_clear_secs": 4 }));
    cli(h, &["add", "qa-alpha"], ALPHA);
    cli(h, &["add", "qa-beta", "--env", "staging"], BETA);
    let app = App::start(h).await;
    let pid = support::app_pids(h)[0].to_string();

    // Settings offers Ctrl+Shift+K at first; the user records another.
    app.click("Settings").await;
    let field = app
        .find(By::Css("input[aria-describedby='shortcut-hint']"))
        .await;
    assert_eq!(
        field.value().await.unwrap().as_deref(),
        Some("Ctrl+Shift+K")
    );
    assert_eq!(app.axe().await, Vec::<String>::new(), "axe on Settings");
    field.scroll_into_view().await.unwrap();
    app.screenshot("settings").await;
    app.click("Cancel").await;

    // A shortcut another program holds (here keydeck on another vault) is refused when
    // saved, and nothing is saved.
    let other = tempfile::tempdir().unwrap();
    settings(
        other.path(),
        json!({ "quick_access_shortcut": "Ctrl+Alt+H" }),
    );
    let _holder = support::launch(other.path(), false);
    wait_until("the other keydeck starts", Duration::from_secs(20), || {
        !support::app_pids(other.path()).is_empty()
    });
    std::thread::sleep(Duration::from_secs(3)); // and takes its shortcut
    app.click("Settings").await;
    let field = app
        .find(By::Css("input[aria-describedby='shortcut-hint']"))
        .await;
    field.click().await.unwrap();
    field
        .send_keys(Key::Control + (Key::Alt + "h"))
        .await
        .unwrap();
    app.click("Save").await;
    app.find(By::XPath(
        "//*[@role='dialog']//*[@role='alert' and contains(., 'Ctrl+Alt+H cannot be used')]",
    ))
    .await;
    app.click("Cancel").await;
    assert!(
        !h.join("settings.json").exists() || {
            let saved: serde_json::Value =
                serde_json::from_slice(&std::fs::read(h.join("settings.json")).unwrap()).unwrap();
            saved["quick_access_shortcut"] != "Ctrl+Alt+H"
        }
    );

    record_shortcut(&app, Key::Control + (Key::Alt + "j")).await;
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(h.join("settings.json")).unwrap()).unwrap();
    assert_eq!(saved["quick_access_shortcut"], SHORTCUT);

    // Pressed anywhere, it shows the palette; type, Enter copies.
    assert!(!shown(&pid));
    xdotool(&["key", PRESS]);
    wait_until("the palette is ready", Duration::from_secs(30), || {
        ready(&pid)
    });
    // A new palette each time: as a person does, wait for it to draw before typing.
    std::thread::sleep(PALETTE_DRAWS);
    xdotool(&["type", "--delay", "60", "beta"]);
    std::thread::sleep(Duration::from_millis(400));
    if let Some(dir) = std::env::var_os("KEYDECK_SCREENSHOT_DIR") {
        // The whole screen: the palette over the window, as a person sees it.
        let path = std::path::Path::new(&dir).join("quick-access.png");
        let took = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(took.success(), "import took the palette's picture");
    }
    xdotool(&["key", "Return"]);
    wait_until(
        "the clipboard holds qa-beta's secret",
        Duration::from_secs(10),
        || clipboard() == BETA,
    );
    wait_until(
        "the palette hides after the copy",
        Duration::from_secs(10),
        || !shown(&pid),
    );
    wait_until("the clipboard is cleared", Duration::from_secs(15), || {
        clipboard() != BETA
    });

    // Next time the key copied last comes first (before qa-alpha, first by name): Enter
    // alone copies it. Esc hides the palette without copying.
    xdotool(&["key", PRESS]);
    wait_until(
        "the palette is ready again",
        Duration::from_secs(30),
        || ready(&pid),
    );
    std::thread::sleep(PALETTE_DRAWS);
    xdotool(&["key", "Return"]);
    wait_until(
        "Enter copied the recent key",
        Duration::from_secs(10),
        || clipboard() == BETA,
    );
    wait_until("the palette hides", Duration::from_secs(10), || {
        !shown(&pid)
    });
    xdotool(&["key", PRESS]);
    wait_until(
        "the palette is ready a third time",
        Duration::from_secs(30),
        || ready(&pid),
    );
    std::thread::sleep(PALETTE_DRAWS);
    xdotool(&["key", "Escape"]);
    wait_until("Esc hides the palette", Duration::from_secs(10), || {
        !shown(&pid)
    });
    assert_ne!(clipboard(), ALPHA);

    // Turned off (Backspace in the field), the shortcut opens nothing.
    record_shortcut(&app, Key::Backspace.into()).await;
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(h.join("settings.json")).unwrap()).unwrap();
    assert_eq!(saved["quick_access_shortcut"], "");
    xdotool(&["key", PRESS]);
    std::thread::sleep(Duration::from_secs(2));
    assert!(!shown(&pid), "a shortcut turned off opens nothing");
    app.stop().await;
}
