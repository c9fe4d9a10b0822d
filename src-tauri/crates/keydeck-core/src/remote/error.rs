//! What went wrong talking to a remote source: one typed error for every dialect, carrying
//! what the server said (status, code, message, hint, request id, fields); what to do next is
//! a [`NextAction`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::NextAction;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RemoteErrorKind {
    /// 401: the credential was rejected.
    Unauthorized,
    /// 403: the credential lacks permission.
    Forbidden,
    /// 404: the path or (004) the user does not exist.
    NotFound,
    /// 400, 409, 422: the server refused the request as invalid.
    InvalidRequest,
    /// 402: usage limits exceeded.
    PaymentRequired,
    /// 426: the server wants a newer client or protocol.
    UpgradeRequired,
    /// 429: too many requests (after keydeck's own retries).
    RateLimited,
    /// 501: the server does not implement listing keys.
    NotImplemented,
    /// 5xx (after retries where they apply).
    ServerError,
    /// Another status keydeck does not expect here.
    UnexpectedStatus,
    /// No answer within the time limit.
    Timeout,
    /// The server could not be reached.
    Unreachable,
    /// The answer was larger than keydeck accepts.
    TooLarge,
    /// The answer is not this dialect's JSON.
    InvalidResponse,
    /// The server redirected to another origin; keydeck did not follow.
    Redirect,
    /// Paging went wrong: a repeated cursor, an empty page claiming more, too many pages.
    Paging,
    /// Plain `http://` to a host that is not this machine.
    Insecure,
    /// The source cannot be used this way (a URL keydeck cannot use, a bad setting).
    Unsupported,
    /// The keyring has no credential for the source.
    NoCredential,
    /// Revoking is not part of the dialect and the source has no revoke request.
    NoRevokeTemplate,
    /// The dialect returns no full keys, so there is no secret to reveal or copy.
    NoFullKeys,
}

impl std::fmt::Display for RemoteErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::write_serde_name(self, f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RemoteError {
    /// The source's name (or its URL while it is being added).
    pub source: String,
    pub kind: RemoteErrorKind,
    pub status: Option<u16>,
    /// The dialect's own error code (`invalid_token`, `api_keys.user_not_found`, 401…).
    pub code: Option<String>,
    /// What the server (or keydeck) says happened. Never holds the credential.
    pub message: String,
    /// The server's own hint (001 `fix`, 002 `suggestion`).
    pub server_hint: Option<String>,
    /// 001 `trackingId`, 003 `X-Request-Id`: quote it to the provider's support.
    pub request_id: Option<String>,
    /// 004 `fields`, 000 validation `loc`.
    pub fields: Vec<String>,
    /// How long the server asked to wait (Retry-After), when it was longer than keydeck waits.
    #[ts(type = "number | null")]
    pub retry_after_secs: Option<u64>,
}

impl RemoteError {
    pub fn new(source: &str, kind: RemoteErrorKind, message: impl Into<String>) -> Self {
        RemoteError {
            source: source.to_string(),
            kind,
            status: None,
            code: None,
            message: message.into(),
            server_hint: None,
            request_id: None,
            fields: Vec::new(),
            retry_after_secs: None,
        }
    }

    /// The kind an HTTP status stands for.
    pub fn kind_of_status(status: u16) -> RemoteErrorKind {
        match status {
            401 => RemoteErrorKind::Unauthorized,
            403 => RemoteErrorKind::Forbidden,
            404 => RemoteErrorKind::NotFound,
            400 | 409 | 422 => RemoteErrorKind::InvalidRequest,
            402 => RemoteErrorKind::PaymentRequired,
            426 => RemoteErrorKind::UpgradeRequired,
            429 => RemoteErrorKind::RateLimited,
            501 => RemoteErrorKind::NotImplemented,
            500..=599 => RemoteErrorKind::ServerError,
            300..=399 => RemoteErrorKind::Redirect,
            _ => RemoteErrorKind::UnexpectedStatus,
        }
    }

    /// What the user can do next.
    pub fn action(&self) -> Option<NextAction> {
        let source = self.source.clone();
        Some(match self.kind {
            RemoteErrorKind::Unauthorized
            | RemoteErrorKind::Forbidden
            | RemoteErrorKind::NoCredential => NextAction::SetToken { source },
            RemoteErrorKind::NotFound
            | RemoteErrorKind::InvalidRequest
            | RemoteErrorKind::NotImplemented
            | RemoteErrorKind::UnexpectedStatus
            | RemoteErrorKind::Redirect
            | RemoteErrorKind::Unsupported => NextAction::CheckSource { source },
            RemoteErrorKind::PaymentRequired | RemoteErrorKind::Paging => NextAction::AskProvider,
            RemoteErrorKind::UpgradeRequired => NextAction::UpdateKeydeck,
            RemoteErrorKind::RateLimited => NextAction::WaitAndRetry {
                seconds: self.retry_after_secs,
            },
            RemoteErrorKind::ServerError
            | RemoteErrorKind::Timeout
            | RemoteErrorKind::Unreachable => NextAction::SyncLater { source },
            RemoteErrorKind::TooLarge => NextAction::RaiseSyncBudget,
            RemoteErrorKind::InvalidResponse => NextAction::DetectDialect { source },
            RemoteErrorKind::Insecure => NextAction::UseHttps,
            RemoteErrorKind::NoRevokeTemplate => NextAction::AddRevokeTemplate { source },
            RemoteErrorKind::NoFullKeys => return None,
        })
    }

    /// One line with everything the server said.
    pub fn describe(&self) -> String {
        let mut text = format!("source {}: {}", self.source, self.message);
        let mut facts = Vec::new();
        if let Some(status) = self.status {
            facts.push(format!("HTTP {status}"));
        }
        if let Some(code) = &self.code {
            facts.push(format!("code {code}"));
        }
        if !self.fields.is_empty() {
            facts.push(format!("fields {}", self.fields.join(", ")));
        }
        if let Some(id) = &self.request_id {
            facts.push(format!("request id {id}"));
        }
        if !facts.is_empty() {
            text.push_str(&format!(" ({})", facts.join(", ")));
        }
        text
    }
}

/// The one step every message built from a server's answer goes through before anyone sees
/// or stores it: the credential, the paging cursors and the full keys of the listing are
/// replaced by `***`, and each text is cut to a sane length.
pub struct Redactor {
    secrets: Vec<zeroize::Zeroizing<String>>,
}

/// The longest text of a server's error keydeck keeps (message, hint, code…).
const MAX_ERROR_TEXT: usize = 1000;

impl Redactor {
    pub fn new(credential: &crate::Secret) -> Self {
        let mut redactor = Redactor {
            secrets: Vec::new(),
        };
        redactor.add(credential.expose());
        redactor
    }

    /// Also redacts `text` from now on (short texts would redact ordinary words).
    pub fn add(&mut self, text: &str) {
        if text.chars().count() >= 4 && !self.secrets.iter().any(|s| s.as_str() == text) {
            self.secrets.push(zeroize::Zeroizing::new(text.to_string()));
            // Longest first: a secret that contains another is replaced whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Adds every string under a field named `key` in a JSON body (where 001 and 004 put
    /// full keys), for an answer that did not parse as a listing.
    pub fn add_key_fields(&mut self, body: &[u8]) {
        fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (field, value) in map {
                        match value {
                            serde_json::Value::String(text) if field == "key" => {
                                out.push(text.clone())
                            }
                            other => walk(other, out),
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
            let mut found = Vec::new();
            walk(&value, &mut found);
            for text in found {
                self.add(&zeroize::Zeroizing::new(text));
            }
        }
    }

    /// `text` with every known secret replaced and cut to [`MAX_ERROR_TEXT`] characters.
    pub fn clean(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "***");
            }
        }
        if crate::text::bound(&mut out, MAX_ERROR_TEXT) {
            out.push('…');
        }
        out
    }

    pub fn redact(&self, mut error: RemoteError) -> RemoteError {
        error.message = self.clean(&error.message);
        for text in error
            .server_hint
            .iter_mut()
            .chain(error.code.iter_mut())
            .chain(error.request_id.iter_mut())
            .chain(error.fields.iter_mut())
        {
            *text = self.clean(text);
        }
        error.fields.truncate(50);
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redactor_hides_every_secret_it_knows_and_bounds_texts() {
        let mut redactor = Redactor::new(&crate::Secret::new("tok-123456".into()).unwrap());
        redactor.add("cursor-abc");
        redactor.add_key_fields(
            br#"{"keys":[{"key":"sk_live_full_key_1"},{"nested":{"key":"sk_live_full_key_2"}}]}"#,
        );
        let mut error = RemoteError::new(
            "s",
            RemoteErrorKind::InvalidRequest,
            "got tok-123456 after cursor-abc",
        );
        error.server_hint = Some("sk_live_full_key_1 and sk_live_full_key_2".into());
        error.fields = vec!["x".repeat(5000)];
        let error = redactor.redact(error);
        assert_eq!(error.message, "got *** after ***");
        assert_eq!(error.server_hint.as_deref(), Some("*** and ***"));
        assert_eq!(error.fields[0].chars().count(), MAX_ERROR_TEXT + 1);
    }
}
