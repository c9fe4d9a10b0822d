//! Dialect 000: user API keys with masked values and `active`.

pub mod wire;

use reqwest::header::HeaderMap;

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
                code: status.into(),
                detail: Detail::Message(message.into()),
                kind: kind.into(),
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
        })
    }

    fn decode_error(&self, _headers: &HeaderMap, body: &[u8]) -> Option<ErrorDetails> {
        let envelope: ErrorEnvelope = parse_json(body).ok()?;
        let (message, fields) = match envelope.detail {
            Detail::Message(message) => (message, vec![]),
            Detail::Validation(errors) => {
                let message = errors
                    .iter()
                    .map(|e| e.msg.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                let fields = errors
                    .iter()
                    .map(|e| {
                        e.loc
                            .iter()
                            .map(|part| match part {
                                serde_json::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .collect();
                (message, fields)
            }
        };
        Some(ErrorDetails {
            code: Some(envelope.kind),
            message: Some(message),
            fields,
            ..ErrorDetails::default()
        })
    }

    fn server_error(&self, _context: &ServeContext) -> ServeResponse {
        D000::error(500, "internal_server_error", "Internal server error")
    }

    fn serve(
        &self,
        request: &ServeRequest,
        context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        if !self.accepts(&request.headers, &context.token) {
            return D000::error(401, "authentication_error", "Authentication failed");
        }
        if request.method != "GET" || request.path != LIST_PATH {
            return D000::error(404, "not_found", "Not found");
        }
        let body: Vec<ApiKey> = keys.iter().map(D000::from_served).collect();
        ServeResponse::json(200, &body)
    }
}
