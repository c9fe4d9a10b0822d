//! keydeck's core: the key model, the local vault (SQLite metadata + OS keyring secrets)
//! and everything the window and the CLI share. It never depends on tauri.

pub mod bulk;
pub mod clipboard;
pub mod error;
pub mod exchange;
pub mod importers;
pub mod inject;
pub mod keydeck;
pub mod mask;
pub mod model;
pub mod process;
pub mod rate_limit;
pub mod remote;
pub mod secret;
pub mod secret_store;
pub mod settings;
pub mod text;
pub mod vault;

pub use error::{Error, ErrorCode, NextAction, Result};
pub use keydeck::{Connected, Keydeck};
pub use model::{
    KeyDetail, KeyEvent, KeyPage, KeyRecord, KeyStatus, KeyUpdate, ListQuery, NewKey, SortField,
    Unable,
};
pub use secret::Secret;
pub use secret_store::{KeyringStore, MemoryStore, SecretStore};
pub use settings::{Settings, Theme};
pub use vault::Vault;

/// The environment variable that overrides where keydeck keeps its data.
pub const HOME_ENV: &str = "KEYDECK_HOME";

/// The platform's data directory for keydeck (`~/.local/share/keydeck` on Linux),
/// unless `KEYDECK_HOME` says otherwise.
pub fn default_home() -> Result<std::path::PathBuf> {
    if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
        return Ok(home.into());
    }
    dirs::data_dir().map(|d| d.join("keydeck")).ok_or_else(|| {
        Error::InvalidInput(format!(
            "cannot find the platform's data directory; set {HOME_ENV} to a directory for keydeck's data"
        ))
    })
}
