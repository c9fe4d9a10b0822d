//! What went wrong talking to a remote source: one typed error for every dialect, carrying
//! what the server said (status, code, message, hint, request id, fields) and what to do.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    /// The source cannot do this (no revoke template, a URL keydeck cannot use).
    Unsupported,
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

    /// What the user should do next, in keydeck's words.
    pub fn advice(&self) -> String {
        let s = &self.source;
        match self.kind {
            RemoteErrorKind::Unauthorized => format!(
                "the token for source {s} was rejected: update it with `keydeck source set-token {s}`"
            ),
            RemoteErrorKind::Forbidden => format!(
                "the token for source {s} may not list keys: use a token with that permission (`keydeck source set-token {s}`)"
            ),
            RemoteErrorKind::NotFound => format!(
                "check the URL, the dialect and (for 004) the user id of source {s}"
            ),
            RemoteErrorKind::InvalidRequest => {
                "the server refused the request; check the source's settings".to_string()
            }
            RemoteErrorKind::PaymentRequired => {
                "the account's usage limits are exceeded: check its plan or billing with the provider".into()
            }
            RemoteErrorKind::UpgradeRequired => {
                "the server requires a newer client or API version: upgrade keydeck, or check the provider's changelog".into()
            }
            RemoteErrorKind::RateLimited => match self.retry_after_secs {
                Some(secs) => format!("the server asks to wait {secs} s; try again after that"),
                None => "the server is rate limiting; try again in a minute".into(),
            },
            RemoteErrorKind::NotImplemented => {
                "this server does not implement listing keys; check the dialect".into()
            }
            RemoteErrorKind::ServerError => {
                "the server failed; the cached listing is kept. Try again later".into()
            }
            RemoteErrorKind::UnexpectedStatus => {
                "check the URL and the dialect of the source".into()
            }
            RemoteErrorKind::Timeout | RemoteErrorKind::Unreachable => {
                "check the network and the URL; the cached listing is kept".into()
            }
            RemoteErrorKind::TooLarge => {
                "the answer is too large to be a key listing; check the URL".into()
            }
            RemoteErrorKind::InvalidResponse => format!(
                "the server does not answer in the dialect source {s} was set up with; re-add it with `--dialect detect` to check"
            ),
            RemoteErrorKind::Redirect => {
                "point the source at the final URL; keydeck never sends a credential to another host".into()
            }
            RemoteErrorKind::Paging => "the server's paging is broken; report it to the provider".into(),
            RemoteErrorKind::Insecure => {
                "use an https:// URL; plain http is allowed only for this machine, or with --allow-insecure (anyone on the network path can read the token and the keys)".into()
            }
            RemoteErrorKind::Unsupported => {
                "`keydeck source list` shows how each source is set up".into()
            }
        }
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
