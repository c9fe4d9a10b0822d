//! The one closed error type. Every failure the user can meet has a stable code, a message
//! that says what happened and a hint that says what to do. No message ever holds a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::remote::{RemoteError, RemoteErrorKind};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no key matches `{0}`")]
    NotFound(String),
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
    RemoteUnauthorized,
    RemoteForbidden,
    RemoteNotFound,
    RemoteInvalidRequest,
    RemotePaymentRequired,
    RemoteUpgradeRequired,
    RemoteRateLimited,
    RemoteNotImplemented,
    RemoteServerError,
    RemoteUnexpectedStatus,
    RemoteTimeout,
    RemoteUnreachable,
    RemoteTooLarge,
    RemoteInvalidResponse,
    RemoteRedirect,
    RemotePaging,
    RemoteInsecure,
    RemoteUnsupported,
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(code)) => f.write_str(&code),
            _ => write!(f, "{self:?}"),
        }
    }
}

impl ErrorCode {
    /// Every error that came from (or concerns) a remote source.
    pub fn is_remote(self) -> bool {
        matches!(
            self,
            ErrorCode::RemoteUnauthorized
                | ErrorCode::RemoteForbidden
                | ErrorCode::RemoteNotFound
                | ErrorCode::RemoteInvalidRequest
                | ErrorCode::RemotePaymentRequired
                | ErrorCode::RemoteUpgradeRequired
                | ErrorCode::RemoteRateLimited
                | ErrorCode::RemoteNotImplemented
                | ErrorCode::RemoteServerError
                | ErrorCode::RemoteUnexpectedStatus
                | ErrorCode::RemoteTimeout
                | ErrorCode::RemoteUnreachable
                | ErrorCode::RemoteTooLarge
                | ErrorCode::RemoteInvalidResponse
                | ErrorCode::RemoteRedirect
                | ErrorCode::RemotePaging
                | ErrorCode::RemoteInsecure
                | ErrorCode::RemoteUnsupported
        )
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(_) => ErrorCode::NotFound,
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
            Error::Remote(remote) => match remote.kind {
                RemoteErrorKind::Unauthorized => ErrorCode::RemoteUnauthorized,
                RemoteErrorKind::Forbidden => ErrorCode::RemoteForbidden,
                RemoteErrorKind::NotFound => ErrorCode::RemoteNotFound,
                RemoteErrorKind::InvalidRequest => ErrorCode::RemoteInvalidRequest,
                RemoteErrorKind::PaymentRequired => ErrorCode::RemotePaymentRequired,
                RemoteErrorKind::UpgradeRequired => ErrorCode::RemoteUpgradeRequired,
                RemoteErrorKind::RateLimited => ErrorCode::RemoteRateLimited,
                RemoteErrorKind::NotImplemented => ErrorCode::RemoteNotImplemented,
                RemoteErrorKind::ServerError => ErrorCode::RemoteServerError,
                RemoteErrorKind::UnexpectedStatus => ErrorCode::RemoteUnexpectedStatus,
                RemoteErrorKind::Timeout => ErrorCode::RemoteTimeout,
                RemoteErrorKind::Unreachable => ErrorCode::RemoteUnreachable,
                RemoteErrorKind::TooLarge => ErrorCode::RemoteTooLarge,
                RemoteErrorKind::InvalidResponse => ErrorCode::RemoteInvalidResponse,
                RemoteErrorKind::Redirect => ErrorCode::RemoteRedirect,
                RemoteErrorKind::Paging => ErrorCode::RemotePaging,
                RemoteErrorKind::Insecure => ErrorCode::RemoteInsecure,
                RemoteErrorKind::Unsupported => ErrorCode::RemoteUnsupported,
            },
        }
    }

    /// What the user should do next.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            Error::NotFound(_) => "run `keydeck list` to see the names and ids in this vault",
            Error::SourceNotFound(_) => "the local vault is the source `local`; no remote sources are configured",
            Error::DuplicateName(_) => "choose another name, or rename the existing key first",
            Error::KeyringLocked(_) => {
                "unlock your login keyring (GNOME Keyring / KWallet / Keychain) and try again"
            }
            Error::KeyringUnavailable(_) => {
                "keydeck keeps secrets only in the OS keyring: start a Secret Service \
                 (e.g. gnome-keyring-daemon) in a D-Bus session and try again; listing still works"
            }
            Error::Keyring(_) => "run `keydeck doctor` to check the vault against the keyring",
            Error::KeyRevoked(_) => "a revoked key cannot be used again; add a new key instead",
            Error::SecretMissing(_) => {
                "set the secret again with `keydeck rotate`, or remove the key; `keydeck doctor` lists all such keys"
            }
            Error::VaultTooNew { .. } => {
                "update keydeck; the file was left untouched"
            }
            Error::NotAVault { .. } => {
                "point --home (or KEYDECK_HOME) at a keydeck data directory; the file was left untouched"
            }
            Error::Database(_) => "run `keydeck doctor`; if it persists, restore a backup made with `keydeck backup`",
            Error::Remote(remote) => {
                return Some(match &remote.server_hint {
                    Some(server) => format!("{} (the server says: {server})", remote.advice()),
                    None => remote.advice(),
                })
            }
            Error::Clipboard(_) => {
                "keydeck needs a graphical session (X11 or Wayland) to copy; use `keydeck reveal` to print the secret instead"
            }
            Error::RateLimited { .. } => {
                "keydeck limits how fast the window reveals secrets, so a script in the page cannot read them all at once"
            }
            Error::Io(_) | Error::InvalidInput(_) | Error::Usage(_) | Error::Cancelled(_) => {
                return None
            }
        };
        Some(hint.to_string())
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
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
    pub hint: Option<String>,
    /// Everything a remote server said, for errors from a remote source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remote: Option<Box<RemoteError>>,
}

impl From<&Error> for ErrorBody {
    fn from(err: &Error) -> Self {
        ErrorBody {
            code: err.code(),
            message: err.to_string(),
            hint: err.hint(),
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
