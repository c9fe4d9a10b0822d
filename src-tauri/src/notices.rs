//! Desktop notifications for keys of any source that enter their warning window or expire:
//! checked just after start and every minute while the setting is on, each key told once per event
//! (the vault remembers, so a restart does not tell again).

use std::time::Duration;

use keydeck_core::vault::ExpiryNotice;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

const CHECK_EVERY: Duration = Duration::from_secs(60);
/// The first check waits for the first screen: its write must not delay the first listing.
const FIRST_AFTER: Duration = Duration::from_secs(2);

pub fn watch_expiry(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let start = tokio::time::Instant::now() + FIRST_AFTER;
        let mut tick = tokio::time::interval_at(start, CHECK_EVERY);
        loop {
            tick.tick().await;
            let state = app.state::<AppState>();
            let Ok(kd) = state.keydeck() else { return };
            // The same minute's check ends lapsed grace periods (`rotate --keep-previous`).
            if let Err(err) = kd.vault().forget_lapsed_previous().await {
                eprintln!("keydeck: cannot delete lapsed previous secrets: {err}");
            }
            if !kd.settings().expiry_notifications {
                continue;
            }
            let notices = match kd.vault().take_expiry_notices().await {
                Ok(notices) => notices,
                Err(err) => {
                    eprintln!("keydeck: cannot check for expiring keys: {err}");
                    continue;
                }
            };
            let Some((title, body)) = ExpiryNotice::words(&notices) else {
                continue;
            };
            let shown = app.notification().builder().title(title).body(body).show();
            if let Err(err) = shown {
                eprintln!("keydeck: cannot show a notification: {err}");
            }
        }
    });
}
