//! One window per vault, and a window that follows its vault: a second start focuses the
//! running window, and a change made elsewhere (the CLI, a sync in a terminal) reaches the
//! page within a second.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};

use crate::ipc::ChangeChannel;
use crate::AppState;

/// How often the vault's `data_version` is read: one integer, so twice a second is free.
const WATCH_EVERY: Duration = Duration::from_millis(500);

/// The single-instance plugin, keyed by the vault: two windows on one vault would each
/// think they show it all, while windows on two vaults (two `KEYDECK_HOME`s) are fine.
pub fn one_window_per_vault<R: Runtime>(home: &str) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(format!("dev.keydeck.app.v{:016x}", fnv1a(home.as_bytes())))
        .callback(|app, _argv, _cwd| crate::show_main(app))
        .build()
}

/// A stable hash (std's is not stable across builds, and two builds of keydeck on one vault
/// must still find each other). D-Bus names allow only a few characters, so not the path.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where the page listens for changes (`watch_vault` sets it; a reloaded page replaces it).
#[derive(Default)]
pub struct Listener(std::sync::Mutex<Option<ChangeChannel>>);

impl Listener {
    pub fn set(&self, channel: ChangeChannel) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
    }

    fn notify(&self) {
        let mut listener = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if listener.as_ref().is_some_and(|channel| !channel.send(())) {
            *listener = None;
        }
    }
}

/// Watches the vault for as long as the app runs and tells the page of each change.
pub fn follow_vault<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Ok(keydeck) = state.keydeck() else {
            return; // no vault: the window shows why, nothing to follow
        };
        let Ok(mut watch) = keydeck.vault().watch().await else {
            return;
        };
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            if watch.changed().await.unwrap_or(false) {
                state.listener.notify();
            }
        }
    });
}

/// Prints `READY <ns>` on CLOCK_MONOTONIC (the clock a benchmark reads before exec) when
/// `KEYDECK_BENCH_READY=1`, once per run: a reloaded page paints first again, the app does not
/// start again.
pub fn mark_ready() {
    static DONE: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("KEYDECK_BENCH_READY").is_some_and(|v| v == "1") {
        DONE.call_once(|| {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "READY {}", keydeck_core::process::monotonic_ns())
                .and_then(|()| out.flush());
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hash_is_fnv1a() {
        // The published FNV-1a test vectors: a change here would split one vault's windows.
        assert_eq!(super::fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
