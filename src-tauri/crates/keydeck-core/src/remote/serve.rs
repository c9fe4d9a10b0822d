//! The server side every dialect shares: what a request looks like to a dialect, what it
//! answers, and the credential check. The HTTP server itself is `keydeck serve` (CLI).

use reqwest::header::HeaderMap;
use serde::Serialize;

use super::AuthStyle;
use crate::{KeyRecord, Secret};

/// One request, as `keydeck serve` hands it to a dialect.
#[derive(Clone)]
pub struct ServeRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
}

/// Header names only: their values carry the credential.
impl std::fmt::Debug for ServeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ServeRequest {
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server knows besides the keys.
pub struct ServeContext {
    /// The token clients must present.
    pub token: Secret,
    /// 004: the only user id that exists.
    pub user_id: Option<String>,
    /// 001: the `accountId` reported for every key.
    pub account_id: String,
    /// 003: the `X-Request-Id` of this answer.
    pub request_id: String,
}

/// A vault key to serve, with its secret where the dialect returns full keys.
pub struct ServedKey {
    pub record: KeyRecord,
    pub secret: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServeResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ServeResponse {
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Self {
        ServeResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("wire types always serialize"),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// Whether the request carries `token` the way `style` says: the scheme in any case (RFC 9110
/// says schemes are case-insensitive), the credential compared in constant time.
pub(crate) fn has_credential(headers: &HeaderMap, style: &AuthStyle, token: &Secret) -> bool {
    let Some(got) = headers.get(style.header.as_str()) else {
        return false;
    };
    let got = got.as_bytes();
    let credential = match style.scheme.as_deref().filter(|s| !s.is_empty()) {
        Some(scheme) => match got.split_at_checked(scheme.len()) {
            Some((said, rest)) if said.eq_ignore_ascii_case(scheme.as_bytes()) => {
                match rest.strip_prefix(b" ") {
                    Some(credential) => credential,
                    None => return false,
                }
            }
            _ => return false,
        },
        None => got,
    };
    let want = token.expose().as_bytes();
    credential.len() == want.len()
        && credential
            .iter()
            .zip(want)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}
