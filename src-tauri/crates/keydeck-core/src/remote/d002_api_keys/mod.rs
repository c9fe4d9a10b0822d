//! Dialect 002: cursor-paged API keys with `key_prefix`, `is_revoked` and `expires_at`.

pub mod wire;

use reqwest::header::HeaderMap;

use super::serve::has_credential;
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

    /// One page after the `after` cursor (keys in id order; the cursor is the last id).
    fn page(request: &ServeRequest, keys: &[ServedKey]) -> ServeResponse {
        let limit = match request.query_value("limit") {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return D002::error(
                        422,
                        &format!(
                            "limit must be an integer between 1 and {MAX_LIMIT}, not `{text}`"
                        ),
                        "Pass a limit in the range [1, 200], or leave it out for 50.",
                    )
                }
            },
        };
        let mut sorted: Vec<&ServedKey> = keys.iter().collect();
        sorted.sort_by(|a, b| a.record.id.cmp(&b.record.id));
        let offset = request
            .query_value("offset")
            .and_then(|o| o.parse::<usize>().ok());
        let start = match (request.query_value("after"), offset) {
            (Some(after), _) => sorted.partition_point(|k| k.record.id.as_str() <= after),
            (None, Some(offset)) => offset.min(sorted.len()),
            (None, None) => 0,
        };
        let end = (start + limit).min(sorted.len());
        let page = &sorted[start..end];
        let has_more = end < sorted.len();
        let result: Vec<ApiKeyRead> = page.iter().map(|k| D002::from_served(k)).collect();
        let meta = PaginationMeta {
            total: Some(sorted.len() as i64),
            offset: offset.map(|o| o as i64),
            limit: Some(limit as i64),
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
                result,
                success: true,
                suggestion: Some(String::new()),
                message: Some(String::new()),
                meta: Some(meta),
                extra: Default::default(),
            },
        )
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
            ErrorResponse::Validation { detail } => Some(ErrorDetails {
                message: Some(
                    detail
                        .iter()
                        .map(|e| e.msg.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                fields: detail
                    .iter()
                    .map(|e| {
                        e.loc
                            .iter()
                            .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .collect(),
                code: detail.first().map(|e| e.kind.clone()),
                ..ErrorDetails::default()
            }),
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

    fn serve(
        &self,
        request: &ServeRequest,
        context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        if !self.accepts(&request.headers, &context.token) {
            return D002::error(
                401,
                "Invalid or missing API key",
                "Send your key in the X-API-Key header.",
            );
        }
        if request.method != "GET" || request.path != LIST_PATH {
            return D002::error(404, "Not found", "List keys with GET /api/v1/api-keys.");
        }
        D002::page(request, keys)
    }
}
