//! Dialect 000: user API keys with masked values and `active`.

pub mod wire;

use reqwest::header::HeaderMap;

use super::validation;
use super::{
    detail, parse_json, read_time, write_time, AuthStyle, Dialect, DialectId, ErrorDetails,
    ListParams, Page, RemoteKey, ServeContext, ServeRequest, ServeResponse, ServedKey,
};
use crate::KeyStatus;
use wire::{ApiKey, Detail, ErrorEnvelope};

pub const LIST_PATH: &str = "/api/v1/user/api-keys";

pub struct D000;

impl D000 {
    pub fn to_key(item: ApiKey) -> RemoteKey {
        let mut key = RemoteKey::new(item.id.clone(), item.name.clone().unwrap_or(item.id));
        let d = &mut key.details;
        key.created_at = read_time("created_at", item.created_at, d);
        key.last_used_at = read_time("last_used_at", item.last_used_at, d);
        detail(d, "allow_self_revoke", &item.allow_self_revoke);
        detail(d, "org_id", &item.org_id);
        detail(d, "workspace_id", &item.workspace_id);
        d.extend(item.extra);
        key.mask = item.masked_key.unwrap_or_else(|| "…".into());
        key.scopes = item.allowed_scopes.unwrap_or_default();
        key.owner = item.org_id.or(item.workspace_id);
        // `active: false` is a key that no longer works; without `active` nothing is known.
        key.revoked = item.active == Some(false);
        key.status_known = item.active.is_some();
        key
    }

    /// The wire form of a vault key. 000 has no expiry: only revoked keys are inactive.
    pub fn from_served(key: &ServedKey) -> ApiKey {
        let r = &key.record;
        ApiKey {
            id: r.id.clone(),
            name: Some(r.name.clone()),
            active: Some(r.status != KeyStatus::Revoked),
            allow_self_revoke: None,
            allowed_scopes: Some(r.scopes.clone()),
            created_at: r.created_at.map(write_time),
            last_used_at: r.last_used_at.map(write_time),
            masked_key: Some(r.mask.clone()),
            org_id: None,
            workspace_id: None,
            extra: Default::default(),
        }
    }

    fn error(status: u16, kind: &str, message: &str) -> ServeResponse {
        ServeResponse::json(
            status,
            &ErrorEnvelope {
                code: Some(status.into()),
                detail: Some(Detail::Message(message.into())),
                kind: Some(kind.into()),
            },
        )
    }
}

impl Dialect for D000 {
    fn id(&self) -> DialectId {
        DialectId::D000
    }

    fn default_auth(&self) -> AuthStyle {
        AuthStyle::bearer()
    }

    fn list_path(&self, _params: ListParams<'_>) -> Result<String, String> {
        Ok(LIST_PATH.into())
    }

    fn decode_page(&self, body: &[u8]) -> Result<Page, String> {
        let items: wire::ListResponse = parse_json(body)?;
        Ok(Page {
            keys: items.into_iter().map(D000::to_key).collect(),
            next_cursor: None,
            has_more: false,
            warning: None,
            total: None,
        })
    }

    fn decode_error(&self, _headers: &HeaderMap, body: &[u8]) -> Option<ErrorDetails> {
        let envelope: ErrorEnvelope = parse_json(body).ok()?;
        // Not this envelope at all when none of its own fields is there.
        if envelope.detail.is_none() && envelope.kind.is_none() {
            return None;
        }
        let mut details = match envelope.detail {
            Some(Detail::Validation(errors)) => validation::details(&errors),
            Some(Detail::Message(message)) => ErrorDetails {
                message: Some(message),
                ..ErrorDetails::default()
            },
            None => ErrorDetails::default(),
        };
        details.code = envelope.kind.or(details.code);
        Some(details)
    }

    fn unauthorized(&self, _context: &ServeContext) -> ServeResponse {
        D000::error(401, "authentication_error", "Authentication failed")
    }

    fn not_found(&self, _context: &ServeContext) -> ServeResponse {
        D000::error(404, "not_found", "Not found")
    }

    fn server_error(&self, _context: &ServeContext) -> ServeResponse {
        D000::error(500, "internal_server_error", "Internal server error")
    }

    fn list(
        &self,
        _request: &ServeRequest,
        _context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        let body: Vec<ApiKey> = keys.iter().map(D000::from_served).collect();
        ServeResponse::json(200, &body)
    }
}
