//! The Tauri shell: opens the vault, registers the commands, starts the window. Everything
//! it does is in keydeck-core; this crate only connects it to the webview.

mod clipboard;
pub mod commands;
mod error;
pub mod ipc;
mod window;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use keydeck_core::rate_limit::RateLimit;
use keydeck_core::remote::{CancellationToken, Client, ClientConfig};
use keydeck_core::{Settings, Vault};
use tauri::Manager;

pub use error::AppError;

/// What the commands share.
pub struct AppState {
    /// The vault, or why it could not be opened (the window shows it with its hint).
    vault: Result<Vault, AppError>,
    home: PathBuf,
    settings: RwLock<Settings>,
    /// Rebuilt when the settings change (the sync budget is in them).
    client: RwLock<Arc<Client>>,
    clipboard: clipboard::ClipboardGuard,
    /// The Cancel of each sync under way, by source name.
    syncs: Mutex<HashMap<String, CancellationToken>>,
    /// Reveals and copies from the window.
    reveals: RateLimit,
}

impl AppState {
    pub fn vault(&self) -> Result<&Vault, AppError> {
        self.vault.as_ref().map_err(Clone::clone)
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn client(&self) -> Arc<Client> {
        Arc::clone(&self.client.read().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The HTTP client with the sync budget `settings` give.
fn client_for(settings: &Settings) -> Result<Arc<Client>, keydeck_core::Error> {
    Client::new(settings.client_config(ClientConfig::default())).map(Arc::new)
}

fn open() -> Result<(Vault, PathBuf, Settings), keydeck_core::Error> {
    let home = keydeck_core::default_home()?;
    let settings = Settings::load(&home).unwrap_or_default();
    let vault = tauri::async_runtime::block_on(Vault::open(&home))?
        .with_expiring_window(settings.expiring_window());
    Ok((vault, home, settings))
}

pub fn run() {
    let (vault, home, settings) = match open() {
        Ok((vault, home, settings)) => (Ok(vault), home, settings),
        Err(err) => (
            Err(AppError::from(&err)),
            PathBuf::new(),
            Settings::default(),
        ),
    };
    let client = client_for(&settings).expect("an HTTP client");
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            window::create_main(app)?;
            Ok(())
        })
        .manage(AppState {
            vault,
            home,
            settings: RwLock::new(settings),
            client: RwLock::new(client),
            clipboard: Default::default(),
            syncs: Default::default(),
            reveals: RateLimit::for_reveals(),
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_keys,
            commands::key_detail,
            commands::add_key,
            commands::edit_key,
            commands::rotate_key,
            commands::revoke_key,
            commands::delete_key,
            commands::reveal_secret,
            commands::copy_secret,
            commands::list_sources,
            commands::add_source,
            commands::remove_source,
            commands::sync_source,
            commands::cancel_sync,
            commands::set_source_token,
            commands::get_settings,
            commands::save_settings,
        ])
        .build(tauri::generate_context!())
        .expect("the keydeck window could not start");
    app.run(|handle, event| {
        // A secret copied from keydeck does not outlive it on the clipboard.
        if let tauri::RunEvent::Exit = event {
            handle.state::<AppState>().clipboard.clear_blocking();
        }
    });
}
