//! The window's clipboard: one long-lived clipboard, a secret put on it, and a timed clear
//! that runs in Rust (so it happens even while the webview is busy, and on exit) and only
//! if the clipboard still holds that secret.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use keydeck_core::clipboard::SecretClipboard;
use keydeck_core::{Error, Result, Secret};

#[derive(Default, Clone)]
pub struct ClipboardGuard {
    inner: Arc<Mutex<Slot>>,
}

#[derive(Default)]
struct Slot {
    clipboard: Option<SecretClipboard>,
    /// The secret last copied, with a number so an old timer never clears a newer copy.
    current: Option<(u64, Secret)>,
    copies: u64,
}

impl ClipboardGuard {
    /// Puts `secret` on the clipboard and, unless `clear_after_secs` is 0, clears it later.
    pub async fn copy(&self, secret: Secret, clear_after_secs: u32) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        let number = tokio::task::spawn_blocking(move || -> Result<u64> {
            let mut slot = inner.lock().unwrap_or_else(|e| e.into_inner());
            if slot.clipboard.is_none() {
                slot.clipboard = Some(SecretClipboard::new()?);
            }
            slot.clipboard.as_mut().expect("just set").put(&secret)?;
            slot.copies += 1;
            let number = slot.copies;
            slot.current = Some((number, secret));
            Ok(number)
        })
        .await
        .map_err(|e| Error::Clipboard(e.to_string()))??;
        if clear_after_secs > 0 {
            let guard = self.clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(Duration::from_secs(clear_after_secs.into())).await;
                guard.clear(Some(number)).await;
            });
        }
        Ok(())
    }

    /// Clears the clipboard if it still holds the copy `number` (or the latest copy, for
    /// `None`, as on exit).
    pub async fn clear(&self, number: Option<u64>) {
        let inner = Arc::clone(&self.inner);
        let _ = tokio::task::spawn_blocking(move || clear_now(&inner, number)).await;
    }

    /// The same, blocking: for the exit path, where no runtime task may finish.
    pub fn clear_blocking(&self) {
        clear_now(&self.inner, None);
    }
}

fn clear_now(inner: &Mutex<Slot>, number: Option<u64>) {
    let mut slot = inner.lock().unwrap_or_else(|e| e.into_inner());
    let due = match (&slot.current, number) {
        (Some((current, _)), Some(wanted)) => *current == wanted,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if !due {
        return;
    }
    if let Some((_, secret)) = slot.current.take() {
        if let Some(clipboard) = slot.clipboard.as_mut() {
            clipboard.clear_if_holds(&secret);
        }
    }
}
