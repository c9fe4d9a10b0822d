//! What the window sends that the core has no type for. Generated into TypeScript with the
//! rest (tests/bindings.rs).

pub use keydeck_core::model::KeyRef;
use keydeck_core::remote::client::OnProgress;
use keydeck_core::remote::SyncProgress;
use keydeck_core::vault::Rotation;
use keydeck_core::{Error, KeyUpdate, Result, Secret};
use serde::{Deserialize, Serialize};
use tauri::ipc::{Channel, CommandArg, CommandItem, InvokeError, IpcResponse};
use tauri::Runtime;
use ts_rs::TS;

/// A secret the user typed, or a request to generate one.
#[derive(Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecretInput {
    Given { value: String },
    Generate { prefix: Option<String> },
}

impl SecretInput {
    /// The secret; the typed text moves into it (no copy is left behind).
    pub fn into_secret(self) -> Result<Secret> {
        match self {
            SecretInput::Given { value } => Secret::new(value),
            SecretInput::Generate { prefix } => {
                Secret::generate(prefix.as_deref().filter(|p| !p.is_empty()))
            }
        }
    }
}

/// Every editable field of a vault key, as the edit dialog sends them.
#[derive(Debug, Deserialize, Serialize, TS)]
pub struct KeyEdit {
    pub name: String,
    pub scopes: Vec<String>,
    pub tags: Vec<String>,
    pub env: Option<String>,
    pub notes: Option<String>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<KeyEdit> for KeyUpdate {
    fn from(edit: KeyEdit) -> Self {
        KeyUpdate {
            name: Some(edit.name),
            scopes: Some(edit.scopes),
            tags: Some(edit.tags),
            env: Some(edit.env),
            notes: Some(edit.notes),
            expires_at: Some(edit.expires_at),
        }
    }
}

/// What the rotate dialog sends besides the new secret.
#[derive(Debug, Deserialize, Serialize, TS)]
pub struct RotationInput {
    /// Seconds the old secret stays revealable as "previous"; `null` deletes it now.
    pub keep_previous_secs: Option<u32>,
    /// The key's expiry after the rotation (the dialog starts from the current one).
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<RotationInput> for Rotation {
    fn from(input: RotationInput) -> Self {
        Rotation {
            keep_previous: input
                .keep_previous_secs
                .map(|secs| chrono::Duration::seconds(secs.into())),
            expires_at: Some(input.expires_at),
        }
    }
}

/// A new remote source, with its token (which goes to the keyring).
#[derive(Deserialize, TS)]
pub struct SourceInput {
    #[serde(flatten)]
    #[ts(flatten)]
    pub spec: keydeck_core::vault::SourceSpec,
    pub token: String,
}

impl SourceInput {
    pub fn split(self) -> Result<(keydeck_core::vault::SourceSpec, Secret)> {
        let token =
            Secret::new(self.token).map_err(|e| Error::InvalidInput(format!("the token: {e}")))?;
        Ok((self.spec, token))
    }
}

/// A Tauri channel the page passes, typed for the command map.
pub struct IpcChannel<T: IpcResponse>(Channel<T>);

/// `sync_source`'s progress.
pub type ProgressChannel = IpcChannel<SyncProgress>;
/// `apply_to_keys`' progress: keys done so far, keys in all.
pub type BulkChannel = IpcChannel<BulkProgress>;
/// `watch_vault`'s news that the vault changed.
pub type ChangeChannel = IpcChannel<()>;

impl<T: IpcResponse> IpcChannel<T> {
    /// `false` once the page that passed the channel is gone.
    pub fn send(&self, message: T) -> bool {
        self.0.send(message).is_ok()
    }
}

impl ProgressChannel {
    pub fn into_callback(self) -> OnProgress {
        Box::new(move |progress: &SyncProgress| {
            self.send(progress.clone());
        })
    }
}

impl<'de, R: Runtime, T: IpcResponse> CommandArg<'de, R> for IpcChannel<T> {
    fn from_command(command: CommandItem<'de, R>) -> std::result::Result<Self, InvokeError> {
        Channel::from_command(command).map(IpcChannel)
    }
}

/// The TypeScript type of a command's argument or answer, for the command map.
pub trait IpcType {
    fn ts_type() -> String;
}

impl<T: TS> IpcType for T {
    fn ts_type() -> String {
        T::name()
    }
}

impl<T: IpcResponse + TS> IpcType for IpcChannel<T> {
    fn ts_type() -> String {
        format!("Channel<{}>", T::name())
    }
}

/// How far a bulk operation has got.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BulkProgress {
    pub done: u32,
    pub total: u32,
}

/// Which build the window is: Settings → About shows it, and a bug report quotes it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct About {
    pub version: String,
    pub commit: String,
}

/// What a copy did: the clipboard is cleared after this many seconds (0: never).
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyReceipt {
    pub clear_after_secs: u32,
}
