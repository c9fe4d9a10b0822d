//! Dialect 001: `{keys}` with the full key, `revoked` and `keyType`.

pub mod wire;

use reqwest::header::HeaderMap;

use super::{
    detail, mask_of_key, parse_json, read_iso_time, write_time, AuthStyle, Dialect, DialectId,
    ErrorDetails, FullKey, ListParams, Page, RemoteKey, ServeContext, ServeRequest, ServeResponse,
    ServedKey,
};
use crate::KeyStatus;
use wire::{ApiKey, ErrorBody, ErrorResponse, ListResponse};

pub const LIST_PATH: &str = "/keys";

pub struct D001;

impl D001 {
    pub fn to_key(item: ApiKey) -> RemoteKey {
        let mut key = RemoteKey::new(item.id, item.name);
        let d = &mut key.details;
        key.created_at = read_iso_time("createdAt", Some(item.created_at), d);
        key.last_used_at = read_iso_time("lastUsedAt", item.last_used_at, d);
        d.insert("keyType".into(), item.key_type.into());
        d.insert("accountId".into(), item.account_id.clone().into());
        detail(d, "environmentId", &item.environment_id);
        d.extend(item.extra);
        (key.mask, key.secret) = mask_of_key(&item.key);
        key.env = item.environment_id;
        key.owner = Some(item.account_id);
        key.revoked = item.revoked;
        key
    }

    /// The wire form of a vault key: the full secret, or (revoked, secret deleted) its mask.
    pub fn from_served(key: &ServedKey, account_id: &str) -> ApiKey {
        let r = &key.record;
        ApiKey {
            id: r.id.clone(),
            key: FullKey(
                key.secret
                    .as_ref()
                    .map_or_else(|| r.mask.clone(), |s| s.expose().to_string()),
            ),
            key_type: key_type(r).into(),
            environment_id: r.env.clone(),
            account_id: account_id.to_string(),
            name: r.name.clone(),
            revoked: r.status == KeyStatus::Revoked,
            created_at: r.created_at.map(write_time).unwrap_or_default(),
            last_used_at: r.last_used_at.map(write_time),
            extra: Default::default(),
        }
    }

    fn error(
        status: u16,
        code: &str,
        message: &str,
        fix: Option<&str>,
        tracking_id: &str,
    ) -> ServeResponse {
        ServeResponse::json(
            status,
            &ErrorResponse {
                tracking_id: tracking_id.into(),
                error: ErrorBody {
                    code: code.into(),
                    message: message.into(),
                    fix: fix.map(str::to_string),
                    provider: None,
                    provider_code: None,
                },
            },
        )
    }
}

/// `public` for a publishable key (its secret starts `pk_`, or it is tagged `public`), else
/// `secret`.
fn key_type(record: &crate::KeyRecord) -> &'static str {
    let public = record.mask.starts_with("pk_") || record.tags.iter().any(|t| t == "public");
    if public {
        "public"
    } else {
        "secret"
    }
}

impl Dialect for D001 {
    fn id(&self) -> DialectId {
        DialectId::D001
    }

    fn default_auth(&self) -> AuthStyle {
        AuthStyle::bearer()
    }

    fn list_path(&self, _params: ListParams<'_>) -> Result<String, String> {
        Ok(LIST_PATH.into())
    }

    fn decode_page(&self, body: &[u8]) -> Result<Page, String> {
        let list: ListResponse = parse_json(body)?;
        Ok(Page {
            keys: list.keys.into_iter().map(D001::to_key).collect(),
            next_cursor: None,
            has_more: false,
            warning: None,
            total: None,
        })
    }

    fn decode_error(&self, _headers: &HeaderMap, body: &[u8]) -> Option<ErrorDetails> {
        let response: ErrorResponse = parse_json(body).ok()?;
        let e = response.error;
        let mut message = e.message;
        if let Some(provider) = e.provider {
            let code = e.provider_code.map(|c| format!(" {c}")).unwrap_or_default();
            message.push_str(&format!(" (provider {provider}{code})"));
        }
        Some(ErrorDetails {
            code: Some(e.code),
            message: Some(message),
            hint: e.fix,
            request_id: Some(response.tracking_id),
            fields: vec![],
        })
    }

    fn serves_secrets(&self) -> bool {
        true
    }

    fn unauthorized(&self, context: &ServeContext) -> ServeResponse {
        D001::error(
            401,
            "unauthorized",
            "Missing or invalid API key",
            Some("Send the key as `Authorization: Bearer <key>`"),
            &context.request_id,
        )
    }

    /// The seed documents no 404: an unknown endpoint is a bad request.
    fn not_found(&self, context: &ServeContext) -> ServeResponse {
        D001::error(
            400,
            "invalid_request",
            "Unknown endpoint",
            None,
            &context.request_id,
        )
    }

    fn server_error(&self, context: &ServeContext) -> ServeResponse {
        D001::error(
            500,
            "internal_error",
            "The server could not read its keys",
            Some("Try again later"),
            &context.request_id,
        )
    }

    /// 001 cannot say that a key expired (it has `revoked` only): an expired key is not
    /// listed, rather than listed as working.
    fn list(
        &self,
        _request: &ServeRequest,
        context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        let keys = keys
            .iter()
            .filter(|k| k.record.status != KeyStatus::Expired)
            .map(|k| D001::from_served(k, &context.account_id))
            .collect();
        ServeResponse::json(
            200,
            &ListResponse {
                keys,
                extra: Default::default(),
            },
        )
    }
}
