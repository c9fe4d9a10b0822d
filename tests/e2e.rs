//! End to end in the real window: a key added with the CLI shows up in the app, masked.

mod support;

use support::{cli, App};
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_key_added_with_the_cli_appears_masked_in_the_window() {
    let home = tempfile::tempdir().unwrap();
    let secret = "sk_live_e2eCanary0123456789abcdef9f3a";
    cli(
        home.path(),
        &[
            "add",
            "stripe-live",
            "--scope",
            "charges:write",
            "--scope",
            "refunds",
        ],
        secret,
    );
    cli(
        home.path(),
        &["add", "old-slack", "--scope", "chat:write"],
        "xoxb-old-token-abcdefghijkl",
    );
    cli(
        home.path(),
        &["revoke", "old-slack", "--reason", "leaked"],
        "",
    );

    let app = App::start(home.path()).await;
    let name = app
        .find(By::XPath("//td[normalize-space()='stripe-live']"))
        .await;
    let row = name.find(By::XPath("./..")).await.unwrap();
    let cells: Vec<String> = {
        let mut texts = Vec::new();
        for cell in row.find_all(By::Tag("td")).await.unwrap() {
            texts.push(cell.text().await.unwrap());
        }
        texts
    };
    assert_eq!(cells[0], "stripe-live");
    assert_eq!(cells[1], "sk_live_…9f3a");
    assert!(
        cells[2].contains("charges:write") && cells[2].contains("refunds"),
        "{cells:?}"
    );
    assert_eq!(cells[3], "active");
    let revoked = app
        .find(By::XPath(
            "//tr[td[normalize-space()='old-slack']]//span[contains(@class,'badge')]",
        ))
        .await;
    assert_eq!(revoked.text().await.unwrap(), "revoked");
    let count = app.find(By::ClassName("count")).await;
    assert_eq!(count.text().await.unwrap(), "2 keys");

    let page = app.driver.source().await.unwrap();
    assert!(
        !page.contains(&secret[8..]),
        "the secret reached the webview"
    );
    app.screenshot("first-window").await;
    app.stop().await;
}
