//! The Tauri shell: opens the vault, registers the commands, starts the window. Everything
//! it does is in keydeck-core; this crate only connects it to the webview.

mod clipboard;
mod commands;
mod error;
pub mod ipc;

use std::path::PathBuf;
use std::sync::RwLock;

use keydeck_core::remote::{Client, ClientConfig};
use keydeck_core::{Settings, Vault};
use tauri::Manager;

pub use error::AppError;

/// What the commands share.
pub struct AppState {
    /// The vault, or why it could not be opened (the window shows it with its hint).
    vault: Result<Vault, AppError>,
    home: PathBuf,
    settings: RwLock<Settings>,
    client: Client,
    clipboard: clipboard::ClipboardGuard,
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
    let client = Client::new(ClientConfig::default()).expect("an HTTP client");
    let app = tauri::Builder::default()
        .manage(AppState {
            vault,
            home,
            settings: RwLock::new(settings),
            client,
            clipboard: Default::default(),
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
