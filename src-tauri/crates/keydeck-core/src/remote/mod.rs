//! Remote sources: the five documented "list API keys" dialects, one module each with the
//! same shape (`wire.rs` mirrors the seed's JSON exactly; `mod.rs` converts both ways and
//! answers as a server for `keydeck serve`), and the HTTP client they share.

pub mod client;
pub mod d000_user_api_keys;
pub mod d001_keys;
pub mod d002_api_keys;
pub mod d003_api_keys_count;
pub mod d004_user_auth_keys;
mod detect;
pub mod error;
mod paging;
mod serve;
mod urls;

pub use client::{CancellationToken, Client, ClientConfig, SyncProgress, SyncWatch};
pub use error::{RemoteError, RemoteErrorKind};
pub use serve::{ServeContext, ServeRequest, ServeResponse, ServedKey};
pub mod validation;

/// The dialect's OpenAPI 3.1 description, written from its seed.
pub fn openapi(dialect: DialectId) -> &'static str {
    match dialect {
        DialectId::D000 => include_str!("d000_user_api_keys/openapi.json"),
        DialectId::D001 => include_str!("d001_keys/openapi.json"),
        DialectId::D002 => include_str!("d002_api_keys/openapi.json"),
        DialectId::D003 => include_str!("d003_api_keys_count/openapi.json"),
        DialectId::D004 => include_str!("d004_user_auth_keys/openapi.json"),
    }
}

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result, Secret};

/// The five dialects, named after their seed documents.
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
pub enum DialectId {
    #[serde(rename = "000")]
    #[strum(serialize = "000")]
    D000,
    #[serde(rename = "001")]
    #[strum(serialize = "001")]
    D001,
    #[serde(rename = "002")]
    #[strum(serialize = "002")]
    D002,
    #[serde(rename = "003")]
    #[strum(serialize = "003")]
    D003,
    #[serde(rename = "004")]
    #[strum(serialize = "004")]
    D004,
}

impl DialectId {
    pub const ALL: [DialectId; 5] = [
        DialectId::D000,
        DialectId::D001,
        DialectId::D002,
        DialectId::D003,
        DialectId::D004,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The dialect's implementation.
    pub fn dialect(self) -> &'static dyn Dialect {
        match self {
            DialectId::D000 => &d000_user_api_keys::D000,
            DialectId::D001 => &d001_keys::D001,
            DialectId::D002 => &d002_api_keys::D002,
            DialectId::D003 => &d003_api_keys_count::D003,
            DialectId::D004 => &d004_user_auth_keys::D004,
        }
    }
}

impl std::fmt::Display for DialectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DialectId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        crate::model::parse_name("dialect", s)
    }
}

/// Which header carries the credential, and with which scheme (`Bearer`, `ApiKey`…; none
/// sends the bare credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuthStyle {
    pub header: String,
    pub scheme: Option<String>,
}

impl AuthStyle {
    pub fn bearer() -> Self {
        AuthStyle {
            header: "Authorization".into(),
            scheme: Some("Bearer".into()),
        }
    }

    pub fn bare(header: &str) -> Self {
        AuthStyle {
            header: header.into(),
            scheme: None,
        }
    }

    /// The header value for `credential`.
    pub fn value(&self, credential: &Secret) -> String {
        match &self.scheme {
            Some(scheme) if !scheme.is_empty() => format!("{scheme} {}", credential.expose()),
            _ => credential.expose().to_string(),
        }
    }
}

/// A full key as a wire type carries it (001, 004): the same JSON string, but `Debug`
/// prints `FullKey(***)` and its memory is wiped when dropped.
#[derive(
    Clone, PartialEq, Eq, Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop,
)]
#[serde(transparent)]
pub struct FullKey(pub String);

impl std::fmt::Debug for FullKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FullKey(***)")
    }
}

impl std::ops::Deref for FullKey {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// What a list request needs beyond the source URL.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListParams<'a> {
    /// 004's `{user_id}`.
    pub user_id: Option<&'a str>,
    /// 002's `after` cursor.
    pub cursor: Option<&'a str>,
}

/// One key as a remote source lists it, in keydeck's terms. The status is derived from
/// `revoked`, `revoked_at`, `expires_at` (and `status_known`) where listings are read.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteKey {
    pub id: String,
    pub name: String,
    pub mask: String,
    pub scopes: Vec<String>,
    pub env: Option<String>,
    pub owner: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    /// False where the dialect says nothing about revocation or expiry (003).
    pub status_known: bool,
    /// Every field of the answer that has no column above.
    pub details: BTreeMap<String, serde_json::Value>,
    /// The full key, where the dialect returns it (001, 004). Goes to the keyring only.
    pub secret: Option<Secret>,
}

impl RemoteKey {
    pub fn new(id: String, name: String) -> Self {
        RemoteKey {
            id,
            name,
            mask: "…".into(),
            scopes: Vec::new(),
            env: None,
            owner: None,
            created_at: None,
            updated_at: None,
            last_used_at: None,
            expires_at: None,
            revoked_at: None,
            revoked: false,
            status_known: true,
            details: BTreeMap::new(),
            secret: None,
        }
    }
}

/// The longest name, id, owner or environment keydeck stores from a server, in characters.
pub const MAX_REMOTE_TEXT: usize = 200;
/// The longest scope, and the most scopes per key.
pub const MAX_REMOTE_SCOPE: usize = 100;
pub const MAX_REMOTE_SCOPES: usize = 100;
/// The `details` field that says which fields were cut on arrival, and how long they were.
pub const CUT_DETAIL: &str = "keydeck_cut";

impl RemoteKey {
    /// Cuts what a server sent to keydeck's bounds, noting in `details` what was cut (and
    /// its length) so the detail pane can say so.
    pub fn bound(&mut self) {
        let mut cut = serde_json::Map::new();
        let mut check = |field: &str, text: &mut String, max: usize| {
            let chars = text.chars().count();
            if crate::text::bound(text, max) {
                cut.insert(field.to_string(), chars.into());
            }
        };
        check("id", &mut self.id, MAX_REMOTE_TEXT);
        check("name", &mut self.name, MAX_REMOTE_TEXT);
        check("mask", &mut self.mask, MAX_REMOTE_TEXT);
        if let Some(owner) = self.owner.as_mut() {
            check("owner", owner, MAX_REMOTE_TEXT);
        }
        if let Some(env) = self.env.as_mut() {
            check("env", env, MAX_REMOTE_TEXT);
        }
        if self.scopes.len() > MAX_REMOTE_SCOPES {
            cut.insert("scopes".into(), self.scopes.len().into());
            self.scopes.truncate(MAX_REMOTE_SCOPES);
        }
        for scope in &mut self.scopes {
            let chars = scope.chars().count();
            if crate::text::bound(scope, MAX_REMOTE_SCOPE) {
                cut.insert("scope".into(), chars.into());
            }
        }
        if !cut.is_empty() {
            self.details
                .insert(CUT_DETAIL.into(), serde_json::Value::Object(cut));
        }
    }
}

/// One decoded page of a listing.
#[derive(Debug)]
pub struct Page {
    pub keys: Vec<RemoteKey>,
    /// Where the next page starts (002's `meta.after` while `has_more`).
    pub next_cursor: Option<String>,
    /// The page says there is more.
    pub has_more: bool,
    /// Something odd about the answer that does not stop the listing (003: a `count` that
    /// differs from the keys returned), kept on the source.
    pub warning: Option<String>,
    /// How many keys the whole listing has, where the dialect says (002's `meta.total`).
    pub total: Option<u64>,
}

/// What a dialect's error envelope says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorDetails {
    pub code: Option<String>,
    pub message: Option<String>,
    pub hint: Option<String>,
    pub request_id: Option<String>,
    pub fields: Vec<String>,
}

/// One of the five dialects: the client side (request, decode) and the server side.
pub trait Dialect: Send + Sync {
    fn id(&self) -> DialectId;
    /// The header and scheme the dialect uses unless the source overrides them.
    fn default_auth(&self) -> AuthStyle;
    /// The list request's path and query, relative to the source URL.
    fn list_path(&self, params: ListParams<'_>) -> std::result::Result<String, String>;
    /// Decodes a 2xx list answer.
    fn decode_page(&self, body: &[u8]) -> std::result::Result<Page, String>;
    /// Reads the dialect's error envelope (and its headers); `None` when it is not one.
    fn decode_error(&self, headers: &HeaderMap, body: &[u8]) -> Option<ErrorDetails>;
    /// Whether a request to this dialect's server carries `token` the way the dialect
    /// sends credentials.
    fn accepts(&self, headers: &HeaderMap, token: &Secret) -> bool {
        serve::has_credential(headers, &self.default_auth(), token)
    }
    /// Whether `keydeck serve` needs the secrets to answer (001, 004 return full keys).
    fn serves_secrets(&self) -> bool {
        false
    }
    /// The answer to a request without the right credential.
    fn unauthorized(&self, context: &ServeContext) -> ServeResponse;
    /// The answer to a path or method the dialect does not have (or, with `--allow-revoke`,
    /// a key that does not exist).
    fn not_found(&self, context: &ServeContext) -> ServeResponse;
    /// This dialect's answer when the server itself fails (the vault or the keyring could
    /// not be read), in its own error envelope.
    fn server_error(&self, context: &ServeContext) -> ServeResponse;
    /// The listing, once the request is known to be one.
    fn list(
        &self,
        request: &ServeRequest,
        context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse;
    /// What a request asks for. The listing is `GET` on the list path; `DELETE` on the list
    /// path and a key id is a revoke (served only with `keydeck serve --allow-revoke`).
    fn route(&self, request: &ServeRequest, context: &ServeContext) -> Route {
        let list = self
            .list_path(ListParams {
                user_id: context.user_id.as_deref(),
                cursor: None,
            })
            .unwrap_or_default();
        let list = list.split('?').next().unwrap_or_default();
        match (request.method.as_str(), request.path.strip_prefix(list)) {
            ("GET", Some("")) => Route::List,
            ("DELETE", Some(rest)) => match rest.strip_prefix('/') {
                Some(id) if !id.is_empty() && !id.contains('/') => {
                    Route::Revoke(decode_component(id))
                }
                _ => Route::Answer(self.not_found(context)),
            },
            _ => Route::Answer(self.not_found(context)),
        }
    }
    /// Headers every answer of this dialect carries (003's `X-Request-Id`).
    fn finish(&self, response: ServeResponse, _context: &ServeContext) -> ServeResponse {
        response
    }
    /// Answers one request as this dialect's server: the credential first (nothing is read
    /// without it), then the route. A revoke is answered by whoever holds the vault.
    fn serve(
        &self,
        request: &ServeRequest,
        context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        let answer = if !self.accepts(&request.headers, &context.token) {
            self.unauthorized(context)
        } else {
            match self.route(request, context) {
                Route::List => self.list(request, context, keys),
                Route::Revoke(_) => self.not_found(context),
                Route::Answer(answer) => answer,
            }
        };
        self.finish(answer, context)
    }
}

/// What a request to a dialect's server asks for.
pub enum Route {
    List,
    /// Revoke the key of this id.
    Revoke(String),
    /// Answered already (not found, 004's unknown user).
    Answer(ServeResponse),
}

/// A time as the dialects write it (RFC 3339, UTC, milliseconds only when needed).
pub(crate) fn write_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Reads an optional RFC 3339 time. One that does not parse is kept, as text, in `details`
/// under `field` rather than failing the whole listing.
pub(crate) fn read_time(
    field: &str,
    value: Option<String>,
    details: &mut BTreeMap<String, serde_json::Value>,
) -> Option<DateTime<Utc>> {
    let text = value?;
    match DateTime::parse_from_rfc3339(&text) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            details.insert(field.to_string(), serde_json::Value::String(text));
            None
        }
    }
}

/// Reads an optional ISO 8601 time in any of the forms a seed allows: RFC 3339, an offset
/// without its colon (`+0000`), no offset (UTC), or a date alone (its midnight, UTC). One
/// that does not parse is kept, as text, in `details`.
pub(crate) fn read_iso_time(
    field: &str,
    value: Option<String>,
    details: &mut BTreeMap<String, serde_json::Value>,
) -> Option<DateTime<Utc>> {
    let text = value?;
    let parsed = DateTime::parse_from_rfc3339(&text)
        .or_else(|_| DateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        });
    if parsed.is_none() {
        details.insert(field.to_string(), serde_json::Value::String(text));
    }
    parsed
}

/// Puts a value into `details` unless it is absent.
pub(crate) fn detail<T: Serialize>(
    details: &mut BTreeMap<String, serde_json::Value>,
    field: &str,
    value: &Option<T>,
) {
    if let Some(value) = value {
        if let Ok(json) = serde_json::to_value(value) {
            details.insert(field.to_string(), json);
        }
    }
}

/// The mask of a full key a dialect returned. `keydeck serve` answers with the mask for
/// keys whose secret it no longer has (revoked), and a mask is never stored as a secret.
pub(crate) fn mask_of_key(key: &str) -> (String, Option<Secret>) {
    if key.contains('…') || key.is_empty() {
        return (
            if key.is_empty() {
                "…".into()
            } else {
                key.into()
            },
            None,
        );
    }
    (crate::mask::mask(key), Secret::new(key.to_string()).ok())
}

/// Parses JSON, naming where it broke.
pub(crate) fn parse_json<'a, T: Deserialize<'a>>(body: &'a [u8]) -> std::result::Result<T, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// Percent-encodes one path segment or query value.
pub fn encode_component(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// What RFC 3986 lets stand in a path segment (unreserved, sub-delims, `:`, `@`): everything
/// else is percent-encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes one path segment, only where RFC 3986 requires it.
pub fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// Decodes a percent-encoded path segment.
pub fn decode_component(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_types_that_carry_a_full_key_or_a_token_print_neither() {
        let item = d001_keys::wire::ApiKey {
            id: "k".into(),
            key: FullKey("sk_live_debug_canary_0123456789".into()),
            key_type: "secret".into(),
            environment_id: None,
            account_id: "a".into(),
            name: "k".into(),
            revoked: false,
            created_at: "2025-01-01T00:00:00Z".into(),
            last_used_at: None,
            extra: Default::default(),
        };
        let printed = format!("{item:?} {:?}", d004_user_auth_keys::wire::ApiKey {
            key: Some(FullKey("sk_live_debug_canary_0123456789".into())),
            ..serde_json::from_value(serde_json::json!({ "id": "k", "description": "k", "creation_date": "2025-01-01T00:00:00Z" })).unwrap()
        });
        assert!(!printed.contains("debug_canary"), "{printed}");
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            "Bearer kd_token_canary_0123".parse().unwrap(),
        );
        let request = ServeRequest {
            method: "GET".into(),
            path: "/keys".into(),
            query: vec![],
            headers,
        };
        let printed = format!("{request:?}");
        assert!(
            printed.contains("authorization") && !printed.contains("token_canary"),
            "{printed}"
        );
    }
}
