//! The Tauri shell: opens the vault, registers the commands, starts the window. Everything
//! it does is in keydeck-core; this crate only connects it to the webview.

mod commands;
mod error;

use keydeck_core::Vault;

pub use error::AppError;

/// What the commands share: the vault, or why it could not be opened (shown in the window).
pub struct AppState {
    vault: Result<Vault, AppError>,
}

impl AppState {
    pub fn vault(&self) -> Result<&Vault, AppError> {
        self.vault.as_ref().map_err(Clone::clone)
    }
}

pub fn run() {
    let vault = tauri::async_runtime::block_on(async {
        let home = keydeck_core::default_home()?;
        Vault::open(&home).await
    })
    .map_err(|err| AppError::from(&err));
    tauri::Builder::default()
        .manage(AppState { vault })
        .invoke_handler(tauri::generate_handler![commands::list_keys])
        .run(tauri::generate_context!())
        .expect("the keydeck window could not start");
}
