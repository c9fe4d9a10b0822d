//! End to end in the real window (tauri-driver + WebKitWebDriver under Xvfb, with D-Bus and
//! a real gnome-keyring): every flow a user of the window depends on.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{
    cli, clipboard, contains, key_secret, settings, wait_until, App, ClipboardOwner, Served,
};
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

const STRIPE: &str = "sk_live_e2eCanary0123456789abcdef9f3a";

/// A vault with keys in every state: active, expiring, revoked, expired.
fn seeded(home: &Path) {
    cli(
        home,
        &[
            "add",
            "github-ci",
            "--scope",
            "repo",
            "--scope",
            "workflow",
            "--expires",
            &in_days(3),
        ],
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    );
    cli(
        home,
        &[
            "add",
            "stripe-live",
            "--scope",
            "charges:write",
            "--scope",
            "refunds",
            "--env",
            "prod",
        ],
        STRIPE,
    );
    cli(
        home,
        &["add", "old-slack", "--scope", "chat:write"],
        "xoxb-old-token-abcdefghijkl",
    );
    cli(home, &["revoke", "old-slack", "--reason", "leaked"], "");
    cli(
        home,
        &[
            "add",
            "aws-deploy",
            "--scope",
            "s3:write",
            "--expires",
            "2025-01-01T00:00:00Z",
        ],
        "AKIAIOSFODNN7EXAMPLE0000",
    );
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

fn id_of(home: &Path, name: &str) -> String {
    let listed: Value = serde_json::from_str(&cli(home, &["list", "--json"], "")).unwrap();
    listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_added_in_the_window_appears_masked_and_its_secret_stays_out_of_the_page() {
    let home = tempfile::tempdir().unwrap();
    seeded(home.path());
    cli(home.path(), &["rm", "stripe-live", "--yes"], "");
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack"])
        .await;

    app.click("+ Add key").await;
    app.fill("Name", "stripe-live").await;
    app.fill("Secret", STRIPE).await;
    app.fill("Scopes", "charges:write, refunds").await;
    app.fill("Environment", "prod").await;
    app.click("Add key").await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    let cells = app.row("stripe-live").await;
    assert_eq!(cells[1], "sk_live_…9f3a");
    assert!(
        cells[2].contains("charges:write") && cells[2].contains("refunds"),
        "{cells:?}"
    );
    assert_eq!(cells[3], "active");
    assert_eq!(app.row("old-slack").await[3], "revoked");
    assert_eq!(app.row("github-ci").await[3], "expiring soon");

    // The secret went to the keyring, and reaches neither the page nor a listing.
    let id = id_of(home.path(), "stripe-live");
    assert_eq!(key_secret(home.path(), &id).as_deref(), Some(STRIPE));
    assert!(!app.driver.source().await.unwrap().contains(&STRIPE[8..]));
    let listing = app
        .invoke("list_keys", json!({ "query": { "source": "local", "search": null, "status": null, "scope": null, "hide_inactive": false, "sort": "name", "descending": false }, "offset": 0, "limit": 100 }))
        .await
        .unwrap();
    assert_eq!(listing["total"], 4);
    assert!(
        !listing.to_string().contains(&STRIPE[8..]),
        "a listing carried the secret"
    );
    app.screenshot("main-light").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_and_filters_narrow_the_table() {
    let home = tempfile::tempdir().unwrap();
    seeded(home.path());
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;

    let search = app.find(By::Css("input[type=search]")).await;
    search.send_keys("stri").await.unwrap();
    app.wait_rows(&["stripe-live"]).await;
    assert!(
        app.js("return document.body.innerText.includes('1 of 4 keys')")
            .await
            == Value::Bool(true)
    );
    // Select all, then type over it: as a person would (a bare WebDriver clear fires no input).
    search.send_keys(Key::Control + "a").await.unwrap();
    search.send_keys("chat").await.unwrap(); // a scope
    app.wait_rows(&["old-slack"]).await;
    search.send_keys(Key::Control + "a").await.unwrap();
    search.send_keys(Key::Backspace).await.unwrap();
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;

    let status = SelectElement::new(
        &app.find(By::Css("select[aria-label='Filter by status']"))
            .await,
    )
    .await
    .unwrap();
    status.select_by_value("expiring").await.unwrap();
    app.wait_rows(&["github-ci"]).await;
    status.select_by_value("").await.unwrap();
    app.find(By::XPath("//label[contains(., 'Hide revoked')]/input"))
        .await
        .click()
        .await
        .unwrap();
    app.wait_rows(&["github-ci", "stripe-live"]).await;
    app.find(By::Css("input[aria-label='Filter by scope']"))
        .await
        .send_keys("refunds")
        .await
        .unwrap();
    app.wait_rows(&["stripe-live"]).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reveal_shows_the_value_then_masks_it_again() {
    let home = tempfile::tempdir().unwrap();
    settings(home.path(), json!({ "reveal_secs": 2 }));
    seeded(home.path());
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    app.open_detail("stripe-live").await;
    let value = app.find(By::Css("[data-testid=secret-value]")).await;
    assert_eq!(value.text().await.unwrap(), "sk_live_…9f3a");
    app.screenshot("detail-pane").await;
    app.click("Reveal").await;
    wait_for_text(&app, "[data-testid=secret-value]", STRIPE).await;
    let revealed_at = Instant::now();
    // The reveal joins the key's history in the open pane, and the value stays shown.
    app.wait_js(
        "return document.querySelector('.history')?.textContent.includes('revealed (from the window)')",
    )
    .await;
    assert_eq!(
        app.find(By::Css("[data-testid=secret-value]"))
            .await
            .text()
            .await
            .unwrap(),
        STRIPE,
        "reloading the history hid the value"
    );
    wait_for_text(&app, "[data-testid=secret-value]", "sk_live_…9f3a").await;
    assert!(
        revealed_at.elapsed() >= Duration::from_millis(1500),
        "masked again too early"
    );
    // Nothing of it was kept by the webview.
    app.stop().await;
}

async fn wait_for_text(app: &App, css: &str, text: &str) {
    let started = Instant::now();
    loop {
        if app.find(By::Css(css)).await.text().await.unwrap() == text {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{css} never showed {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn clipboard_copy_clears_after_the_time_and_leaves_other_values_alone() {
    let home = tempfile::tempdir().unwrap();
    settings(home.path(), json!({ "clipboard_clear_secs": 3 }));
    seeded(home.path());
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    app.open_detail("stripe-live").await;
    app.click("Copy").await;
    wait_until(
        "the clipboard holds the secret",
        Duration::from_secs(5),
        || clipboard() == STRIPE,
    );
    let copied_at = Instant::now();
    app.find(By::XPath("//p[contains(., 'clipboard clears in')]"))
        .await;
    wait_until("the clipboard is cleared", Duration::from_secs(10), || {
        clipboard() != STRIPE
    });
    assert!(
        copied_at.elapsed() >= Duration::from_millis(2000),
        "cleared too early"
    );

    // Something copied meanwhile is left alone.
    app.click("Copy").await;
    wait_until(
        "the clipboard holds the secret",
        Duration::from_secs(5),
        || clipboard() == STRIPE,
    );
    let _other = ClipboardOwner::take("copied by the user");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(clipboard(), "copied by the user");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn clipboard_keyboard_only_search_then_copy() {
    let home = tempfile::tempdir().unwrap();
    seeded(home.path());
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    app.find(By::Tag("body"))
        .await
        .send_keys("/")
        .await
        .unwrap();
    app.press("stripe").await;
    app.wait_rows(&["stripe-live"]).await;
    app.press(Key::Down).await;
    app.press(Key::Control + "c").await;
    wait_until(
        "the clipboard holds the secret",
        Duration::from_secs(5),
        || clipboard() == STRIPE,
    );
    app.press(Key::Enter).await;
    app.find(By::Css("aside[aria-label='Details of stripe-live']"))
        .await;
    app.press(Key::Escape).await;
    app.wait_js("return document.querySelector('aside') === null")
        .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn revoke_with_a_reason_marks_the_key_and_deletes_its_secret() {
    let home = tempfile::tempdir().unwrap();
    seeded(home.path());
    let id = id_of(home.path(), "stripe-live");
    assert!(key_secret(home.path(), &id).is_some());
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    app.find(By::Css("[data-key-name='stripe-live']"))
        .await
        .click()
        .await
        .unwrap();
    app.find(By::Css("[role=grid]"))
        .await
        .send_keys(Key::Delete)
        .await
        .unwrap();
    app.find(By::XPath("//h2[normalize-space()='Revoke stripe-live?']"))
        .await;
    app.fill("Reason", "leaked in a CI log").await;
    app.screenshot("revoke-confirmation").await;
    app.find(By::XPath(
        "//div[@role='dialog']//button[normalize-space()='Revoke']",
    ))
    .await
    .click()
    .await
    .unwrap();
    app.wait_js("return document.querySelector('[role=dialog]') === null")
        .await;
    let started = Instant::now();
    while app.row("stripe-live").await[3] != "revoked" {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the badge never turned revoked"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        key_secret(home.path(), &id),
        None,
        "the secret is gone from the keyring"
    );
    let listed: Value =
        serde_json::from_str(&cli(home.path(), &["show", "stripe-live", "--json"], "")).unwrap();
    assert_eq!(listed["revoke_reason"], "leaked in a CI log");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_sources_of_every_dialect_show_their_keys_and_stay_when_offline() {
    let server = tempfile::tempdir().unwrap();
    seeded(server.path());
    let keydeck = support::keydeck_cli();
    let mut tokens = Vec::new();
    let home = tempfile::tempdir().unwrap();
    let app = App::start(home.path()).await;
    let mut servers = Vec::new();
    // What each dialect can say about the seeded keys' status.
    let expected: [(&str, &[(&str, &str)]); 5] = [
        // 000 and 001 have no expiry: only `active: false` / `revoked` say anything.
        (
            "000",
            &[
                ("aws-deploy", "active"),
                ("github-ci", "active"),
                ("old-slack", "revoked"),
                ("stripe-live", "active"),
            ],
        ),
        (
            "001",
            // 001 cannot say a key expired: aws-deploy is not served as working.
            &[
                ("github-ci", "active"),
                ("old-slack", "revoked"),
                ("stripe-live", "active"),
            ],
        ),
        (
            "002",
            &[
                ("aws-deploy", "expired"),
                ("github-ci", "expiring soon"),
                ("old-slack", "revoked"),
                ("stripe-live", "active"),
            ],
        ),
        (
            "003",
            &[
                ("aws-deploy", "unknown"),
                ("github-ci", "unknown"),
                ("stripe-live", "unknown"),
            ],
        ),
        (
            "004",
            &[
                ("aws-deploy", "expired"),
                ("github-ci", "expiring soon"),
                ("stripe-live", "active"),
            ],
        ),
    ];
    for (dialect, statuses) in expected {
        let served = Served::start(&keydeck, server.path(), dialect, &[]);
        tokens.push(served.token.clone());
        let name = format!("s{dialect}");
        app.click("+ Connect a server").await;
        app.fill("Name", &name).await;
        app.fill("URL", &served.url).await;
        let select = SelectElement::new(
            &app.find(By::XPath(
                "//label[starts-with(normalize-space(), 'Dialect')]/select",
            ))
            .await,
        )
        .await
        .unwrap();
        select.select_by_value(dialect).await.unwrap();
        app.fill("Token", &served.token).await;
        if dialect == "004" {
            app.fill("User id (dialect 004)", "u1").await;
        }
        app.click("Connect").await;
        // A server this vault has not used: confirmed in keydeck's native dialog.
        app.answer_native_dialog(support::NEW_SERVER_TITLE, true);
        app.wait_js("return document.querySelector('[role=dialog]') === null")
            .await;
        let mut names: Vec<&str> = statuses.iter().map(|(n, _)| *n).collect();
        names.sort();
        app.wait_rows(&names).await;
        for (key, status) in statuses {
            assert_eq!(
                app.row(key).await[3],
                *status,
                "dialect {dialect}, key {key}"
            );
        }
        // Listings of remote keys carry no secret either (001 and 004 return full keys).
        let listing = app
            .invoke("list_keys", json!({ "query": { "source": name, "search": null, "status": null, "scope": null, "hide_inactive": false, "sort": "name", "descending": false }, "offset": 0, "limit": 100 }))
            .await
            .unwrap();
        assert!(
            !listing.to_string().contains(&STRIPE[8..]),
            "dialect {dialect}: a listing carried a full key"
        );
        if dialect == "002" {
            app.screenshot("remote-source").await;
        }
        servers.push((name, served));
    }
    assert!(!app.driver.source().await.unwrap().contains(&STRIPE[8..]));

    // Stop the 002 server: its source turns stale and keeps its keys.
    let (name, served) = servers.remove(2);
    drop(served);
    app.find(By::XPath(format!(
        "//nav//button[starts-with(normalize-space(), '{name}')]"
    )))
    .await
    .click()
    .await
    .unwrap();
    app.click(&format!("Sync {name}")).await;
    app.wait_js("return document.querySelector('nav').innerText.includes('offline · showing the last listing')").await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    app.find(By::XPath("//*[@role='status' and contains(., 'the last sync failed') and contains(., 'cannot connect')]")).await;
    app.screenshot("stale-source").await;

    // A rejected token at connect: nothing is saved, and the dialog keeps what was typed.
    app.click("+ Connect a server").await;
    let served = Served::start(&keydeck, server.path(), "000", &[]);
    app.fill("Name", "wrong-token").await;
    app.fill("URL", &served.url).await;
    app.fill("Token", "not-the-token").await;
    app.click("Connect").await;
    app.answer_native_dialog(support::NEW_SERVER_TITLE, true);
    app.find(By::XPath(
        "//*[@role='dialog']//*[@role='alert' and contains(., 'Authentication failed')]",
    ))
    .await;
    app.find(By::XPath(
        "//*[@role='dialog']//p[contains(., 'Nothing was saved')]",
    ))
    .await;
    let nav = app
        .js("return document.querySelector('nav').innerText")
        .await;
    assert!(!nav.to_string().contains("wrong-token"), "{nav}");
    assert_eq!(
        app.axe().await,
        Vec::<String>::new(),
        "axe on the connect dialog with a refused token"
    );
    app.screenshot("connect-refused").await;
    app.click("Cancel").await;

    // Saved unchecked (from the CLI), the wrong token shows at the first sync, with a button
    // that does the fix (no CLI command in the window).
    support::cli(
        home.path(),
        &[
            "source",
            "add",
            "wrong-token",
            "--url",
            &served.url,
            "--dialect",
            "000",
            "--no-sync",
        ],
        "not-the-token",
    );
    app.find(By::XPath(
        "//nav//button[starts-with(normalize-space(), 'wrong-token')]",
    ))
    .await
    .click()
    .await
    .unwrap();
    app.click("Sync wrong-token").await;
    let banner = app
        .find(By::XPath(
            "//*[@role='status' and contains(., 'Authentication failed')]",
        ))
        .await;
    assert!(!banner.text().await.unwrap().contains("keydeck "));
    app.wait_js("return document.querySelector('nav').innerText.includes('token rejected')")
        .await;
    app.screenshot("error-state").await;
    app.find(By::XPath(
        "//button[starts-with(@aria-label, 'Set a new token')]",
    ))
    .await
    .click()
    .await
    .unwrap();
    app.fill("New token", &served.token).await;
    app.click("Save").await;
    app.answer_native_dialog(support::NEW_TOKEN_TITLE, true);
    app.wait_js("return document.querySelector('[role=dialog]') === null")
        .await;
    app.wait_js("return !document.querySelector('nav').innerText.includes('token rejected')")
        .await;
    tokens.push(served.token.clone());
    for file in app.webview_files() {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !contains(&bytes, &STRIPE[8..]) && tokens.iter().all(|token| !contains(&bytes, token)),
            "a secret is in {}",
            file.display()
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_vault_tells_a_newcomer_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let app = App::start(home.path()).await;
    app.find(By::XPath("//h2[normalize-space()='No keys yet']"))
        .await;
    app.find(By::XPath(
        "//code[normalize-space()='keydeck serve --dialect 002']",
    ))
    .await;
    app.screenshot("empty-state").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dark_theme_follows_the_setting() {
    let home = tempfile::tempdir().unwrap();
    settings(home.path(), json!({ "theme": "dark" }));
    seeded(home.path());
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    let background = app
        .js("return getComputedStyle(document.body).backgroundColor")
        .await;
    assert_eq!(background, "rgb(21, 23, 28)");
    app.screenshot("main-dark").await;
    let violations = app.axe().await;
    assert!(violations.is_empty(), "axe, dark theme: {violations:#?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_no_serious_or_critical_violations() {
    let home = tempfile::tempdir().unwrap();
    seeded(home.path());
    let app = App::start(home.path()).await;
    app.wait_rows(&["aws-deploy", "github-ci", "old-slack", "stripe-live"])
        .await;
    let mut report = Vec::new();
    report.push(("main view", app.axe().await));
    app.open_detail("stripe-live").await;
    app.find(By::Css("aside")).await;
    report.push(("detail pane", app.axe().await));
    app.click("+ Add key").await;
    app.find(By::Css("[role=dialog]")).await;
    report.push(("add dialog", app.axe().await));
    app.press(Key::Escape).await;
    app.click("+ Connect a server").await;
    app.find(By::Css("[role=dialog]")).await;
    report.push(("source dialog", app.axe().await));
    println!("axe: {report:?}");
    for (view, violations) in report {
        assert!(violations.is_empty(), "axe on the {view}: {violations:#?}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_build_refuses_a_webdriver_session() {
    // target/<profile>/deps/e2e-… → target/release-smoke/keydeck-app
    let exe = std::env::current_exe().unwrap();
    let binary = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("release-smoke/keydeck-app");
    assert!(
        binary.exists(),
        "{} is missing: build it with `cargo build --profile release-smoke --bin keydeck-app` (scripts/test.sh does)",
        binary.display()
    );
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let refused = tokio::time::timeout(
        Duration::from_secs(90),
        App::start_binary(home.path(), &binary),
    )
    .await;
    match refused {
        Ok(Ok(app)) => {
            app.stop().await;
            panic!("the release build accepted a WebDriver session");
        }
        Ok(Err(err)) => println!("refused after {:?}: {err}", started.elapsed()),
        Err(_) => println!("no session within 90 s: refused"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_thousand_keys_scroll_with_a_small_dom() {
    let home = tempfile::tempdir().unwrap();
    // Listing needs no keyring: the secrets of this vault live in memory for the setup.
    keydeck_testkit::bulk_vault(home.path(), 100_000)
        .await
        .close()
        .await;
    let started = Instant::now();
    let app = App::start(home.path()).await;
    app.find(By::Css("[data-key-name='service-000000']")).await;
    let first_screen = started.elapsed();
    let nodes = app
        .js("return document.querySelectorAll('*').length")
        .await
        .as_u64()
        .unwrap();
    let rows = app.rows().await.len();
    assert_eq!(
        app.js("return document.querySelector('[role=grid]').getAttribute('aria-rowcount')")
            .await,
        "100001"
    );
    assert!(rows < 80, "{rows} rows in the DOM");
    assert!(nodes < 2500, "{nodes} DOM nodes");
    // Jump to the end: the last rows load and the DOM stays small.
    app.js(
        "const s = document.querySelector('.scroller'); s.scrollTop = s.scrollHeight; return true",
    )
    .await;
    app.find(By::Css("[data-key-name='service-099999']")).await;
    let nodes_at_end = app
        .js("return document.querySelectorAll('*').length")
        .await
        .as_u64()
        .unwrap();
    assert!(nodes_at_end < 2500, "{nodes_at_end} DOM nodes at the end");
    println!(
        "100,000 keys: first screen {first_screen:?} after start (incl. WebDriver session), {rows} rows and {nodes} DOM nodes; {nodes_at_end} nodes at the end"
    );
    app.stop().await;
}
