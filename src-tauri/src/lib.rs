//! The Tauri shell: opens keydeck, registers the commands, starts the window. Everything it
//! does is in keydeck-core; this crate only connects it to the webview.

mod clipboard;
#[macro_use]
pub mod commands;
mod error;
mod handlers;
pub mod ipc;
pub mod live;
mod notices;
mod quick;
mod tray;
mod window;

use std::collections::HashMap;
use std::sync::Mutex;

use keydeck_core::rate_limit::RateLimit;
use keydeck_core::remote::{CancellationToken, ClientConfig};
use keydeck_core::Keydeck;
use tauri::Manager;

pub use error::AppError;

/// What the commands share.
pub struct AppState {
    /// keydeck, or why its vault could not be opened (every command answers that, with what
    /// to do; the window shows it instead of the keys).
    keydeck: Result<Keydeck, AppError>,
    clipboard: clipboard::ClipboardGuard,
    syncs: Syncs,
    /// Reveals and copies from the window.
    reveals: RateLimit,
    listener: live::Listener,
}

impl AppState {
    pub fn keydeck(&self) -> Result<&Keydeck, AppError> {
        self.keydeck.as_ref().map_err(Clone::clone)
    }
}

/// The Cancel of each sync under way, by source name.
#[derive(Default)]
pub struct Syncs(Mutex<HashMap<String, CancellationToken>>);

impl Syncs {
    /// Registers a sync's Cancel until the returned guard is dropped.
    pub fn start<'a>(&'a self, name: &str, cancel: &CancellationToken) -> impl Drop + 'a {
        self.map().insert(name.to_string(), cancel.clone());
        SyncGuard(self, name.to_string())
    }

    /// Stops the sync of `name`, if one is under way.
    pub fn cancel(&self, name: &str) {
        if let Some(cancel) = self.map().get(name) {
            cancel.cancel();
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancellationToken>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct SyncGuard<'a>(&'a Syncs, String);

impl Drop for SyncGuard<'_> {
    fn drop(&mut self) {
        self.0.map().remove(&self.1);
    }
}

/// Shows the main window, wherever it is (hidden in the tray, minimized, behind others).
pub fn show_main<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Closing the main window hides it in the tray when the user chose so (and a tray is
/// there); otherwise keydeck quits, an open quick access palette with it.
fn on_main_window_event(window: &tauri::Window, event: &tauri::WindowEvent) {
    if window.label() != "main" {
        return;
    }
    let app = window.app_handle();
    match event {
        tauri::WindowEvent::CloseRequested { api, .. } => {
            let to_tray = app
                .state::<AppState>()
                .keydeck()
                .is_ok_and(|kd| kd.settings().close_to_tray);
            if to_tray && tray::shown(app) {
                api.prevent_close();
                let _ = window.hide();
            }
        }
        tauri::WindowEvent::Destroyed => app.exit(0),
        _ => {}
    }
}

pub fn run() {
    let error = |err: keydeck_core::Error| AppError::from(&err);
    let home = keydeck_core::default_home().map_err(error);
    let keydeck = home.clone().and_then(|home| {
        tauri::async_runtime::block_on(Keydeck::open(&home, ClientConfig::default())).map_err(error)
    });
    let state = AppState {
        keydeck,
        clipboard: Default::default(),
        syncs: Default::default(),
        reveals: RateLimit::for_reveals(),
        listener: Default::default(),
    };
    // The same vault however its path was written.
    let home = home
        .map(|h| std::fs::canonicalize(&h).unwrap_or(h).display().to_string())
        .unwrap_or_default();
    let app = tauri::Builder::default()
        // First: a second start on this vault focuses this window and goes no further.
        .plugin(live::one_window_per_vault(&home))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            window::create_main(app)?;
            live::follow_vault(app.handle());
            notices::watch_expiry(app.handle());
            quick::setup(app.handle());
            tray::setup(app.handle());
            Ok(())
        })
        .on_window_event(on_main_window_event)
        .manage(state)
        .invoke_handler(app_commands!(handler))
        .build(tauri::generate_context!())
        .expect("the keydeck window could not start");
    app.run(|handle, event| {
        // A secret copied from keydeck does not outlive it on the clipboard.
        if let tauri::RunEvent::Exit = event {
            handle.state::<AppState>().clipboard.clear_blocking();
        }
    });
}
