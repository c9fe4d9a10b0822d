//! Rotation with a grace period in the real window (Xvfb, D-Bus, a real gnome-keyring): the
//! rotate dialog keeps the old secret for 24 hours and sets a 90-day expiry; the details show
//! the previous secret with the time left and reveal it on request; the CLI agrees.

mod support;

use serde_json::Value;
use support::{cli, App};
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

const OLD: &str = "kd_e2e_rotate_old_0123456789abcdef";
const NEW: &str = "kd_e2e_rotate_new_0123456789abcdef";

#[tokio::test(flavor = "multi_thread")]
async fn rotate_keeps_the_previous_secret_for_its_grace_period() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    cli(h, &["add", "billing-api"], OLD);
    let app = App::start(h).await;
    app.wait_rows(&["billing-api"]).await;
    app.open_detail("billing-api").await;
    app.click("Rotate").await;
    app.fill("New secret", NEW).await;
    let keep = app
        .find(By::XPath(
            "//*[@role='dialog']//label[contains(., 'Keep the old secret')]//select",
        ))
        .await;
    SelectElement::new(&keep)
        .await
        .unwrap()
        .select_by_visible_text("24 hours")
        .await
        .unwrap();
    app.click("90 days").await;
    assert_eq!(
        app.axe().await,
        Vec::<String>::new(),
        "axe on the rotate dialog"
    );
    app.find(By::XPath("//*[@role='dialog']//button[@type='submit']"))
        .await
        .click()
        .await
        .unwrap();
    app.wait_js("return document.querySelector('[role=dialog]') === null")
        .await;

    // The details: the previous secret, kept about a day, masked until asked.
    let previous = app
        .find(By::Css("section[aria-label='Previous secret']"))
        .await;
    let text = previous.text().await.unwrap();
    assert!(text.contains("deleted in 23 h 5"), "{text}");
    assert!(!text.contains(OLD));
    app.click("Reveal previous").await;
    app.wait_js(&format!(
        "return document.querySelector('[data-testid=previous-value]').textContent === '{OLD}'"
    ))
    .await;
    assert_eq!(app.axe().await, Vec::<String>::new(), "axe on the details");
    app.screenshot("rotation-grace").await;

    // The CLI sees the same: the new secret, the previous one, the new expiry.
    assert_eq!(cli(h, &["reveal", "billing-api"], "").trim_end(), NEW);
    assert_eq!(
        cli(h, &["reveal", "billing-api", "--previous"], "").trim_end(),
        OLD
    );
    let shown: Value =
        serde_json::from_str(&cli(h, &["show", "billing-api", "--json"], "")).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(shown["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((89.0..=90.0).contains(&days), "{shown}");
    assert!(!shown["previous_until"].is_null(), "{shown}");
    app.stop().await;
}
