//! Every key in one view, in the real window (tauri-driver + WebKitWebDriver under Xvfb, a
//! real gnome-keyring, two `keydeck serve` servers of different dialects): the All keys view
//! with search, sort and a status filter across the vault and both sources, and a
//! keyboard-only bulk revoke of keys of two sources with one reason.

mod support;

use chrono::Utc;
use serde_json::Value;
use support::{cli, keydeck_cli, App, Served};
use thirtyfour::prelude::*;

fn in_days(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

/// A server's vault with `keys` (name, extra `add` arguments), served as `dialect`.
fn server(dialect: &str, keys: &[(&str, &[&str])]) -> (tempfile::TempDir, Served) {
    let home = tempfile::tempdir().unwrap();
    for (name, extra) in keys {
        let mut args = vec!["add", name];
        args.extend_from_slice(extra);
        cli(
            home.path(),
            &args,
            &format!("{name}-secret-0123456789abcdef"),
        );
    }
    let served = Served::start(&keydeck_cli(), home.path(), dialect, &["--allow-revoke"]);
    (home, served)
}

/// Empties a text field as a person does (WebDriver's clear sends no `input` event).
async fn clear(field: &WebElement) {
    field.send_keys(Key::Control + "a").await.unwrap();
    field.send_keys(Key::Backspace).await.unwrap();
}

fn status_of(listing: &Value, name: &str) -> String {
    let key = listing
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == name);
    key.unwrap_or_else(|| panic!("{name} in {listing}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn all_keys_in_one_view_and_a_bulk_revoke_across_two_sources() {
    let soon = in_days(3);
    let (team_home, team) = server(
        "002",
        &[("team-ci", &["--expires", &soon]), ("team-web", &[])],
    );
    let (ops_home, ops) = server("000", &[("ops-ci", &[]), ("ops-pager", &[])]);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    cli(
        h,
        &["add", "alpha-local", "--env", "staging"],
        "alpha-secret-0123456789abcdef",
    );
    cli(
        h,
        &["add", "Zeta-local", "--tag", "ci"],
        "zeta-secret-0123456789abcdef",
    );
    for (name, served, dialect, revoke) in [
        ("team", &team, "002", "DELETE /api/v1/api-keys/{id}"),
        ("ops", &ops, "000", "DELETE /api/v1/user/api-keys/{id}"),
    ] {
        let args = [
            "source",
            "add",
            name,
            "--url",
            &served.url,
            "--dialect",
            dialect,
            "--revoke",
            revoke,
        ];
        cli(h, &args, &served.token);
    }

    let app = App::start(h).await;
    // The first view: every source, names in the order people read them.
    let everything = [
        "alpha-local",
        "ops-ci",
        "ops-pager",
        "team-ci",
        "team-web",
        "Zeta-local",
    ];
    app.wait_rows(&everything).await;
    assert_eq!(app.row("team-ci").await[1], "team", "the Source column");
    assert_eq!(app.row("alpha-local").await[1], "vault");
    let current = "return document.querySelector('nav [aria-current=true] .name')?.textContent";
    assert_eq!(app.js(current).await, "All keys");
    assert_eq!(
        app.axe().await,
        Vec::<String>::new(),
        "axe on the All keys view"
    );
    app.screenshot("all-keys").await;

    // Search across every source (a tag and an env match too).
    let search = app.find(By::Css("input[type=search]")).await;
    search.send_keys("ci").await.unwrap();
    app.wait_rows(&["ops-ci", "team-ci", "Zeta-local"]).await;
    clear(&search).await;
    search.send_keys("staging").await.unwrap();
    app.wait_rows(&["alpha-local"]).await;
    clear(&search).await;
    app.wait_rows(&everything).await;

    // Sorted by source (vault keys are `local`), then name.
    let sort_by = |column: &'static str| {
        let app = &app;
        async move {
            let button = app
                .find(By::Css(format!("button[title='Sort by {column}']")))
                .await;
            button.click().await.unwrap();
        }
    };
    sort_by("source").await;
    app.wait_rows(&[
        "alpha-local",
        "Zeta-local",
        "ops-ci",
        "ops-pager",
        "team-ci",
        "team-web",
    ])
    .await;
    sort_by("name").await; // back to names
    app.wait_rows(&everything).await;

    // A status filter over every source: 002 carries expiry dates.
    let status = app
        .find(By::Css("select[aria-label='Filter by status']"))
        .await;
    let status = thirtyfour::components::SelectElement::new(&status)
        .await
        .unwrap();
    status
        .select_by_visible_text("Expiring soon")
        .await
        .unwrap();
    app.wait_rows(&["team-ci"]).await;
    status.select_by_visible_text("Any status").await.unwrap();
    app.wait_rows(&everything).await;

    // Keyboard only: search, into the table, check two keys of two sources, Delete, a reason, Enter.
    search.send_keys("-ci").await.unwrap();
    app.wait_rows(&["ops-ci", "team-ci"]).await;
    app.press(Key::Down).await; // from the search into the table, on the first row
    app.press(Key::Shift + Key::Down).await;
    app.wait_js("return document.querySelector('[aria-label=Selection]')?.innerText.includes('2 keys selected') === true").await;
    app.screenshot("bulk-selection").await;
    app.press(Key::Delete).await;
    app.wait_js("return document.querySelector('[role=dialog]')?.innerText.includes('Revoke 2 keys?') === true").await;
    assert_eq!(
        app.axe().await,
        Vec::<String>::new(),
        "axe on the bulk revoke"
    );
    app.press("CI moved").await; // the reason has the focus
    app.press(Key::Enter).await;
    app.wait_js("return document.querySelector('[role=dialog] [role=status]')?.innerText.includes('2 revoked, 0 failed.') === true").await;
    app.screenshot("bulk-revoke-report").await;
    app.press(Key::Enter).await; // Done
    app.wait_js("return document.querySelector('[role=dialog]') === null")
        .await;

    // Each key was revoked the way it would be on its own: on its server, listed again.
    let listed: Value = serde_json::from_str(&cli(h, &["list", "--all", "--json"], "")).unwrap();
    assert_eq!(status_of(&listed, "ops-ci"), "revoked");
    assert_eq!(status_of(&listed, "team-ci"), "revoked");
    assert_eq!(status_of(&listed, "ops-pager"), "active");
    assert_eq!(status_of(&listed, "team-web"), "active");
    for (server_home, name) in [(&team_home, "team-ci"), (&ops_home, "ops-ci")] {
        let served: Value =
            serde_json::from_str(&cli(server_home.path(), &["list", "--json"], "")).unwrap();
        assert_eq!(status_of(&served, name), "revoked", "on its server");
    }
    app.wait_js("return [...document.querySelectorAll('[data-key-name=team-ci] [role=gridcell]')].some(c => c.innerText.includes('revoked'))").await;

    // Bulk tags: the vault's keys a search finds, Ctrl+A, Tag…, a tag, Enter (a tag is not
    // destructive: no count to type).
    clear(&search).await;
    search.send_keys("local").await.unwrap();
    app.wait_rows(&["alpha-local", "Zeta-local"]).await;
    app.press(Key::Down).await;
    app.press(Key::Control + "a").await;
    app.wait_js("return document.querySelector('[aria-label=Selection]')?.innerText.includes('2 keys selected') === true").await;
    app.click("Tag…").await;
    app.wait_js(
        "return document.querySelector('[role=dialog]')?.innerText.includes('Tag 2 keys') === true",
    )
    .await;
    app.press("billing").await; // the tag has the focus
    app.press(Key::Enter).await;
    app.wait_js("return document.querySelector('[role=dialog] [role=status]')?.innerText.includes('2 tagged, 0 failed.') === true").await;
    app.press(Key::Enter).await; // Done
    app.wait_js("return document.querySelector('[role=dialog]') === null")
        .await;
    let listed: Value = serde_json::from_str(&cli(h, &["list", "--json"], "")).unwrap();
    for key in listed.as_array().unwrap() {
        let tags = key["tags"].as_array().unwrap();
        assert_eq!(tags.last().unwrap(), "billing", "{key}");
    }

    // keydeck's own menu on a right-click, never the webview's.
    clear(&search).await;
    app.wait_rows(&everything).await;
    let row = app.find(By::Css("[data-key-name='team-web']")).await;
    app.driver
        .action_chain()
        .context_click_element(&row)
        .perform()
        .await
        .unwrap();
    app.wait_js(
        "return document.querySelector('[role=menu]')?.innerText.includes('Revoke') === true",
    )
    .await;
    assert_eq!(
        app.axe().await,
        Vec::<String>::new(),
        "axe on the context menu"
    );
    app.screenshot("context-menu").await;
    app.press(Key::Escape).await;

    // A narrow window: the details lie over the table instead of squeezing it.
    // Resized as a person would (WebKitWebDriver does not resize a window without a
    // window manager); the window is found by its process.
    let pid = support::app_pids(h)[0].to_string();
    let resized = std::process::Command::new("xdotool")
        .args([
            "search",
            "--onlyvisible",
            "--pid",
            &pid,
            "--name",
            ".",
            "windowsize",
            "%@",
            "900",
            "760",
        ])
        .status()
        .unwrap();
    assert!(resized.success(), "xdotool resized the window");
    app.wait_js("return window.innerWidth < 1200").await;
    app.open_detail("alpha-local").await;
    app.wait_js("return document.querySelector('aside.overlay') !== null")
        .await;
    app.screenshot("narrow-window").await;
    app.stop().await;
}
