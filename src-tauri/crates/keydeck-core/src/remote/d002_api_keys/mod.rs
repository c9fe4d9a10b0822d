//! Dialect 002: cursor-paged API keys with `key_prefix`, `is_revoked` and `expires_at`.

pub mod wire;

use reqwest::header::HeaderMap;

use super::serve::has_credential;
use super::validation;
use super::{
    detail, encode_component, parse_json, read_time, write_time, AuthStyle, Dialect, DialectId,
    ErrorDetails, ListParams, Page, RemoteKey, ServeContext, ServeRequest, ServeResponse,
    ServedKey,
};
use crate::{KeyStatus, Secret};
use wire::{ApiKeyRead, ErrorEnvelope, ErrorResponse, ListResponse, PaginationMeta};

pub const LIST_PATH: &str = "/api/v1/api-keys";
/// The largest page the API allows, which the client always asks for.
pub const MAX_LIMIT: usize = 200;
const DEFAULT_LIMIT: usize = 50;
pub const ALT_AUTH_HEADER: &str = "X-Assistant-Service-Key";

pub struct D002;

impl D002 {
    pub fn to_key(item: ApiKeyRead) -> RemoteKey {
        let mut key = RemoteKey::new(item.id.clone(), item.name.unwrap_or(item.id));
        let d = &mut key.details;
        key.created_at = read_time("created_at", item.created_at, d);
        key.updated_at = read_time("updated_at", item.updated_at, d);
        key.last_used_at = read_time("last_used_at", item.last_used_at, d);
        key.expires_at = read_time("expires_at", item.expires_at, d);
        key.revoked_at = read_time("revoked_at", item.revoked_at, d);
        detail(d, "principal_id", &item.principal_id);
        detail(d, "delegation_id", &item.delegation_id);
        detail(d, "pact_id", &item.pact_id);
        detail(d, "key_prefix", &item.key_prefix);
        d.extend(item.extra);
        key.mask = format!("{}…", item.key_prefix.unwrap_or_default());
        key.scopes = item.scopes.unwrap_or_default();
        key.owner = item.principal_id;
        key.revoked = item.is_revoked == Some(true) || key.revoked_at.is_some();
        key
    }

    /// The wire form of a vault key: the mask's readable prefix is the `key_prefix`.
    pub fn from_served(key: &ServedKey) -> ApiKeyRead {
        let r = &key.record;
        let prefix = r.mask.split('…').next().unwrap_or_default();
        ApiKeyRead {
            id: r.id.clone(),
            principal_id: None,
            name: Some(r.name.clone()),
            key_prefix: Some(prefix.to_string()),
            scopes: Some(r.scopes.clone()),
            expires_at: r.expires_at.map(write_time),
            last_used_at: r.last_used_at.map(write_time),
            is_revoked: Some(r.status == KeyStatus::Revoked),
            revoked_at: r.revoked_at.map(write_time),
            created_at: r.created_at.map(write_time),
            updated_at: r.updated_at.map(write_time),
            delegation_id: None,
            pact_id: None,
            extra: Default::default(),
        }
    }

    fn error(status: u16, message: &str, suggestion: &str) -> ServeResponse {
        ServeResponse::json(
            status,
            &ErrorEnvelope {
                success: false,
                message: Some(message.into()),
                suggestion: Some(suggestion.into()),
                result: None,
            },
        )
    }

    /// One page of the keys in id order: after the `after` cursor, before the `before`
    /// cursor (the page that precedes it), or from the deprecated `offset`. A cursor is a
    /// key id; `meta.offset` and `meta.limit` are given only to a caller that used `offset`.
    fn page(request: &ServeRequest, keys: &[ServedKey]) -> ServeResponse {
        let limit = match D002::number(request, "limit", 1, MAX_LIMIT as u64) {
            Ok(limit) => limit.map_or(DEFAULT_LIMIT, |l| l as usize),
            Err(answer) => return answer,
        };
        let offset = match D002::number(request, "offset", 0, i64::MAX as u64) {
            Ok(offset) => offset.map(|o| o as usize),
            Err(answer) => return answer,
        };
        let mut sorted: Vec<&ServedKey> = keys.iter().collect();
        sorted.sort_by(|a, b| a.record.id.cmp(&b.record.id));
        let (start, end) = match (request.query_value("after"), request.query_value("before")) {
            (Some(after), _) => {
                let start = sorted.partition_point(|k| k.record.id.as_str() <= after);
                (start, (start + limit).min(sorted.len()))
            }
            (None, Some(before)) => {
                let end = sorted.partition_point(|k| k.record.id.as_str() < before);
                (end.saturating_sub(limit), end)
            }
            (None, None) => {
                let start = offset.unwrap_or(0).min(sorted.len());
                (start, (start + limit).min(sorted.len()))
            }
        };
        let page = &sorted[start..end];
        let has_more = end < sorted.len();
        let meta = PaginationMeta {
            total: Some(sorted.len() as i64),
            offset: offset.map(|o| o as i64),
            limit: offset.map(|_| limit as i64),
            has_more: Some(has_more),
            after: page
                .last()
                .filter(|_| has_more)
                .map(|k| k.record.id.clone()),
            before: page
                .first()
                .filter(|_| start > 0)
                .map(|k| k.record.id.clone()),
        };
        ServeResponse::json(
            200,
            &ListResponse {
                result: page.iter().map(|k| D002::from_served(k)).collect(),
                success: true,
                suggestion: Some(String::new()),
                message: Some(String::new()),
                meta: Some(meta),
                extra: Default::default(),
            },
        )
    }

    /// An integer query parameter within `min..=max`, absent, or a 422 that says why.
    fn number(
        request: &ServeRequest,
        name: &str,
        min: u64,
        max: u64,
    ) -> Result<Option<u64>, ServeResponse> {
        let Some(text) = request.query_value(name) else {
            return Ok(None);
        };
        match text.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(D002::error(
                422,
                &format!("{name} must be an integer between {min} and {max}, not `{text}`"),
                &format!("Pass {name} in the range [{min}, {max}]."),
            )),
        }
    }
}

impl Dialect for D002 {
    fn id(&self) -> DialectId {
        DialectId::D002
    }

    fn default_auth(&self) -> AuthStyle {
        AuthStyle::bare("X-API-Key")
    }

    fn list_path(&self, params: ListParams<'_>) -> Result<String, String> {
        // Always the largest page; never the deprecated `offset`.
        let mut path = format!("{LIST_PATH}?limit={MAX_LIMIT}");
        if let Some(cursor) = params.cursor {
            path.push_str(&format!("&after={}", encode_component(cursor)));
        }
        Ok(path)
    }

    fn decode_page(&self, body: &[u8]) -> Result<Page, String> {
        let list: ListResponse = parse_json(body)?;
        if !list.success {
            return Err(format!(
                "the answer says success: false ({})",
                list.message.unwrap_or_default()
            ));
        }
        let meta = list.meta.unwrap_or_default();
        let has_more = meta.has_more == Some(true);
        Ok(Page {
            keys: list.result.into_iter().map(D002::to_key).collect(),
            next_cursor: meta.after.filter(|_| has_more),
            has_more,
            warning: None,
            total: meta.total.and_then(|t| u64::try_from(t).ok()),
        })
    }

    fn decode_error(&self, _headers: &HeaderMap, body: &[u8]) -> Option<ErrorDetails> {
        match parse_json::<ErrorResponse>(body).ok()? {
            ErrorResponse::Envelope(envelope) if !envelope.success => Some(ErrorDetails {
                message: envelope.message.filter(|m| !m.is_empty()),
                hint: envelope.suggestion.filter(|s| !s.is_empty()),
                ..ErrorDetails::default()
            }),
            ErrorResponse::Envelope(_) => None,
            ErrorResponse::Validation { detail } => Some(validation::details(&detail)),
        }
    }

    /// Either of the two headers the seed names.
    fn accepts(&self, headers: &HeaderMap, token: &Secret) -> bool {
        has_credential(headers, &self.default_auth(), token)
            || has_credential(headers, &AuthStyle::bare(ALT_AUTH_HEADER), token)
    }

    fn server_error(&self, _context: &ServeContext) -> ServeResponse {
        D002::error(500, "Internal server error", "Try again later.")
    }

    fn unauthorized(&self, _context: &ServeContext) -> ServeResponse {
        D002::error(
            401,
            "Invalid or missing API key",
            "Send your key in the X-API-Key header.",
        )
    }

    fn not_found(&self, _context: &ServeContext) -> ServeResponse {
        D002::error(404, "Not found", "List keys with GET /api/v1/api-keys.")
    }

    fn list(
        &self,
        request: &ServeRequest,
        _context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        D002::page(request, keys)
    }
}
