//! What the window sends that the core has no type for. Generated into TypeScript with the
//! rest (tests/bindings.rs).

use keydeck_core::{Error, KeyUpdate, Result, Secret};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A key of one source (ids are unique within a source).
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct KeyRef {
    pub source: String,
    pub id: String,
}

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

/// A new remote source, with its token (which goes to the keyring).
#[derive(Deserialize, TS)]
pub struct SourceInput {
    pub name: String,
    pub url: String,
    /// `None`: detect the dialect.
    pub dialect: Option<keydeck_core::remote::DialectId>,
    pub auth_header: Option<String>,
    pub auth_scheme: Option<String>,
    pub user_id: Option<String>,
    pub revoke_template: Option<String>,
    pub allow_insecure: bool,
    pub token: String,
}

impl SourceInput {
    pub fn split(self) -> Result<(keydeck_core::vault::SourceSpec, Secret)> {
        let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let token =
            Secret::new(self.token).map_err(|e| Error::InvalidInput(format!("the token: {e}")))?;
        Ok((
            keydeck_core::vault::SourceSpec {
                name: self.name.trim().to_string(),
                url: self.url.trim().to_string(),
                dialect: self.dialect,
                auth_header: blank(self.auth_header),
                auth_scheme: self.auth_scheme.map(|s| s.trim().to_string()),
                user_id: blank(self.user_id),
                revoke_template: blank(self.revoke_template),
                allow_insecure: self.allow_insecure,
            },
            token,
        ))
    }
}

/// What a copy did: the clipboard is cleared after this many seconds (0: never).
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyReceipt {
    pub clear_after_secs: u32,
}
