//! The shapes every part of keydeck shares: a key as listed, its details, and queries.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::remote::DialectId;
use crate::{Error, Result};

/// The `source` of every key in the local vault.
pub const LOCAL_SOURCE: &str = "local";
/// What `--source` calls every source at once (so no source may have this name).
pub const ALL_SOURCES: &str = "all";

/// A key's state, derived from its dates (never stored).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::VariantNames,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum KeyStatus {
    Active,
    Revoked,
    Expired,
    /// Expires within the warning window (7 days unless configured).
    Expiring,
    /// Listed by a remote source whose API says nothing about revocation or expiry (003).
    Unknown,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::str::FromStr for KeyStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_name("status", s)
    }
}

/// One of a string enum's names, or an error that lists them all.
pub fn parse_name<T>(what: &str, name: &str) -> Result<T>
where
    T: strum::IntoEnumIterator + strum::VariantNames + Into<&'static str> + Copy,
{
    T::iter()
        .find(|value| (*value).into() == name)
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "unknown {what} `{name}`; use one of {}",
                T::VARIANTS.join(", ")
            ))
        })
}

/// A key as every listing shows it: metadata only, never a secret.
/// Exactly these fields make up `keydeck list --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyRecord {
    pub id: String,
    pub name: String,
    pub mask: String,
    pub scopes: Vec<String>,
    pub tags: Vec<String>,
    pub env: Option<String>,
    pub status: KeyStatus,
    pub source: String,
    /// Unknown (`null`) only for remote keys whose API does not say.
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<String>,
    /// Who holds the key on a remote source; the local vault has none.
    pub owner: Option<String>,
    /// Fields of a remote source that have no column here.
    #[ts(type = "Record<string, unknown>")]
    pub details: BTreeMap<String, serde_json::Value>,
    /// Why keydeck cannot reveal or copy this key's secret, when it cannot.
    pub cannot_reveal: Option<Unable>,
    /// Why keydeck cannot revoke this key, when it cannot.
    pub cannot_revoke: Option<Unable>,
}

/// Why keydeck cannot do something with a key: each front end words it beside the action
/// it disables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Unable {
    /// The key is revoked (its secret is gone).
    Revoked,
    /// The key's dialect returns no full keys, so keydeck holds no secret for it.
    NoFullKeys { dialect: DialectId },
    /// Revoking is not part of the key's dialect, and its source has no revoke request.
    NoRevokeRequest { dialect: DialectId },
}

/// A key of one source, as a front end names it (ids are unique within a source; names and
/// ids repeat across sources).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyRef {
    pub source: String,
    pub id: String,
}

impl From<&KeyRecord> for KeyRef {
    fn from(key: &KeyRecord) -> Self {
        KeyRef {
            source: key.source.clone(),
            id: key.id.clone(),
        }
    }
}

/// One key with everything the vault knows about it (still no secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyDetail {
    #[serde(flatten)]
    #[ts(flatten)]
    pub record: KeyRecord,
    pub notes: Option<String>,
    pub history: Vec<KeyEvent>,
    /// Until when the secret before the last rotation stays revealable as "previous"
    /// (`rotate --keep-previous`); `null` when none is kept.
    pub previous_until: Option<DateTime<Utc>>,
}

/// One line of a key's history: created, updated, rotated, revoked, used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyEvent {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub detail: Option<String>,
}

/// Who read a secret and how, for the key's history ("copied · from the window").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub copy: bool,
    pub by: Reader,
}

/// Which part of keydeck read a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Window,
    Cli,
    /// `keydeck run`: into a command's environment.
    Run,
    /// `keydeck inject`: into a file made from a template.
    Inject,
}

impl Access {
    pub fn cli_reveal() -> Self {
        Access {
            copy: false,
            by: Reader::Cli,
        }
    }

    /// The history event's kind.
    pub fn kind(self) -> &'static str {
        if self.copy {
            "copied"
        } else {
            "revealed"
        }
    }

    /// The history event's detail.
    pub fn detail(self) -> String {
        match self.by {
            Reader::Window => "from the window",
            Reader::Cli => "from the CLI",
            Reader::Run => "into a command's environment (keydeck run)",
            Reader::Inject => "into a file (keydeck inject)",
        }
        .into()
    }
}

/// Metadata for a new key; the secret travels separately as a [`crate::Secret`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct NewKey {
    pub name: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub env: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A change to a key's metadata; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyUpdate {
    pub name: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub env: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// The columns a listing can be sorted by.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::VariantNames,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SortField {
    #[default]
    Name,
    Id,
    Mask,
    Env,
    Status,
    Owner,
    Source,
    CreatedAt,
    UpdatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

impl SortField {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::str::FromStr for SortField {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_name("sort field", s)
    }
}

/// What to list: a search over name, scope, tag, id and owner, filters, and an order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ListQuery {
    /// One source (`local` is the vault); every source when absent.
    pub source: Option<String>,
    pub search: Option<String>,
    pub status: Option<KeyStatus>,
    pub scope: Option<String>,
    /// Only keys with this tag.
    pub tag: Option<String>,
    /// Leave out revoked and expired keys.
    pub hide_inactive: bool,
    pub sort: SortField,
    pub descending: bool,
}

/// One window of a listing (see `Vault::list_page`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyPage {
    pub keys: Vec<KeyRecord>,
    pub offset: u32,
    /// Keys that match the search and filters.
    pub matching: u32,
    /// Keys in the source(s) before any search or filter.
    pub total: u32,
}
