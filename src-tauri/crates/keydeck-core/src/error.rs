//! The one closed error type. Every failure the user can meet has a stable code, a message
//! that says what happened and a hint that says what to do. No message ever holds a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::remote::RemoteError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The name or id asked for, and the names closest to it.
    #[error("no key matches `{0}`{suggestions}", suggestions = did_you_mean(.1))]
    NotFound(String, Vec<String>),
    #[error("no source named `{0}`")]
    SourceNotFound(String),
    #[error("a key named `{0}` already exists")]
    DuplicateName(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Usage(String),
    #[error("the OS keyring is locked or refused access ({0})")]
    KeyringLocked(String),
    #[error("no OS keyring is available ({0})")]
    KeyringUnavailable(String),
    #[error("the OS keyring failed: {0}")]
    Keyring(String),
    #[error("key `{0}` is revoked and its secret was deleted")]
    KeyRevoked(String),
    #[error("the secret of key `{0}` is missing from the OS keyring")]
    SecretMissing(String),
    #[error("the vault {path} has schema version {found}, newer than this keydeck understands (up to {supported})")]
    VaultTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("{path} is not a keydeck vault ({reason})")]
    NotAVault { path: String, reason: String },
    #[error("database error: {0}")]
    Database(String),
    #[error("{0}")]
    Io(String),
    #[error("the clipboard is not available ({0})")]
    Clipboard(String),
    #[error("{}", .0.describe())]
    Remote(Box<RemoteError>),
    /// The user stopped it (a sync's Cancel, Ctrl+C) or declined a confirmation.
    #[error("{0}")]
    Cancelled(String),
    /// Too many reveals and copies from the window in a short time.
    #[error("too many reveals and copies in a short time ({count} in the last {window_secs} s); try again in {wait_secs} s")]
    RateLimited {
        count: usize,
        window_secs: u64,
        wait_secs: u64,
    },
}

/// The stable, machine-readable side of [`Error`]: what the UI and `--json` output switch on.
/// Every failure of a remote source is `remote`; its `kind` says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    SourceNotFound,
    DuplicateName,
    InvalidInput,
    Usage,
    KeyringLocked,
    KeyringUnavailable,
    Keyring,
    KeyRevoked,
    SecretMissing,
    VaultTooNew,
    NotAVault,
    Database,
    Io,
    Clipboard,
    Cancelled,
    RateLimited,
    Remote,
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_serde_name(self, f)
    }
}

/// Writes a unit enum value the way its JSON names it (`remote`, `too_large`).
pub(crate) fn write_serde_name<T: Serialize + std::fmt::Debug>(
    value: &T,
    f: &mut std::fmt::Formatter<'_>,
) -> std::fmt::Result {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => f.write_str(&name),
        _ => write!(f, "{value:?}"),
    }
}

/// What the user can do next, as data: the CLI words it as a command, the window as a button
/// or a sentence. The core never words a front end's hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextAction {
    /// Look up the names and ids there are.
    ListKeys,
    /// See which remote sources there are.
    ListSources,
    ChooseAnotherName,
    UnlockKeyring,
    /// Start a Secret Service (listing still works without one).
    StartKeyring,
    /// Check the vault against the keyring.
    RunDoctor,
    /// A revoked key stays revoked: add a new one.
    AddNewKey,
    /// Give a key its secret again (the keyring lost it).
    SetSecret {
        key: String,
    },
    UpdateKeydeck,
    /// Point keydeck at a keydeck data directory.
    ChooseHome,
    /// Show the secret instead of copying it (no clipboard here).
    RevealInstead,
    /// Wait, then try again.
    WaitAndRetry {
        #[ts(type = "number | null")]
        seconds: Option<u64>,
    },
    /// Give the source a (better) token.
    SetToken {
        source: String,
    },
    /// Sync the source again later; its cached listing is kept meanwhile.
    SyncLater {
        source: String,
    },
    /// Check the source's URL, dialect and user id.
    CheckSource {
        source: String,
    },
    /// Connect the source again, detecting its dialect.
    DetectDialect {
        source: String,
    },
    /// Give the source a revoke request, or revoke the key on the server.
    AddRevokeTemplate {
        source: String,
    },
    /// Use an https:// URL.
    UseHttps,
    /// Raise the sync budget (settings), if the listing is really that large.
    RaiseSyncBudget,
    /// The server's account or implementation is at fault: its provider can help.
    AskProvider,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(..) => ErrorCode::NotFound,
            Error::SourceNotFound(_) => ErrorCode::SourceNotFound,
            Error::DuplicateName(_) => ErrorCode::DuplicateName,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Usage(_) => ErrorCode::Usage,
            Error::KeyringLocked(_) => ErrorCode::KeyringLocked,
            Error::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            Error::Keyring(_) => ErrorCode::Keyring,
            Error::KeyRevoked(_) => ErrorCode::KeyRevoked,
            Error::SecretMissing(_) => ErrorCode::SecretMissing,
            Error::VaultTooNew { .. } => ErrorCode::VaultTooNew,
            Error::NotAVault { .. } => ErrorCode::NotAVault,
            Error::Database(_) => ErrorCode::Database,
            Error::Io(_) => ErrorCode::Io,
            Error::Clipboard(_) => ErrorCode::Clipboard,
            Error::Cancelled(_) => ErrorCode::Cancelled,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Remote(_) => ErrorCode::Remote,
        }
    }

    /// What the user can do next, if anything.
    pub fn action(&self) -> Option<NextAction> {
        Some(match self {
            Error::NotFound(..) => NextAction::ListKeys,
            Error::SourceNotFound(_) => NextAction::ListSources,
            Error::DuplicateName(_) => NextAction::ChooseAnotherName,
            Error::KeyringLocked(_) => NextAction::UnlockKeyring,
            Error::KeyringUnavailable(_) => NextAction::StartKeyring,
            Error::Keyring(_) | Error::Database(_) => NextAction::RunDoctor,
            Error::KeyRevoked(_) => NextAction::AddNewKey,
            Error::SecretMissing(key) => NextAction::SetSecret { key: key.clone() },
            Error::VaultTooNew { .. } => NextAction::UpdateKeydeck,
            Error::NotAVault { .. } => NextAction::ChooseHome,
            Error::Clipboard(_) => NextAction::RevealInstead,
            Error::RateLimited { wait_secs, .. } => NextAction::WaitAndRetry {
                seconds: Some(*wait_secs),
            },
            Error::Remote(remote) => return remote.action(),
            Error::Io(_) | Error::InvalidInput(_) | Error::Usage(_) | Error::Cancelled(_) => {
                return None
            }
        })
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        Error::Database(err.to_string())
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Error::Database(err.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        Error::Database(format!("migrating the vault failed: {err}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Io(err.to_string())
    }
}

/// The serializable form of an error, as the window and `--json` output carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// What the user can do next; each front end words it.
    pub action: Option<NextAction>,
    /// Everything a remote server said, for errors from a remote source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remote: Option<Box<RemoteError>>,
}

/// `; did you mean `a` or `b`?` for names that are close (inert: a name may hold anything).
fn did_you_mean(names: &[String]) -> String {
    let quoted: Vec<String> = names
        .iter()
        .map(|n| format!("`{}`", crate::text::inert_cut(n, 80)))
        .collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => format!("; did you mean {last}?"),
        Some((last, rest)) => format!("; did you mean {} or {last}?", rest.join(", ")),
    }
}

impl From<&Error> for ErrorBody {
    fn from(err: &Error) -> Self {
        ErrorBody {
            code: err.code(),
            message: err.to_string(),
            action: err.action(),
            remote: match err {
                Error::Remote(remote) => Some(remote.clone()),
                _ => None,
            },
        }
    }
}

impl From<RemoteError> for Error {
    fn from(err: RemoteError) -> Self {
        Error::Remote(Box::new(err))
    }
}
