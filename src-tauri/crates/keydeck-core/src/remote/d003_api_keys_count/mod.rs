//! Dialect 003: names and client ids only. The API says nothing about revocation or expiry,
//! so keydeck lists these keys with the status `unknown` and says why.

pub mod wire;

use reqwest::header::HeaderMap;

use super::{
    parse_json, AuthStyle, Dialect, DialectId, ErrorDetails, ListParams, Page, RemoteKey,
    ServeContext, ServeRequest, ServeResponse, ServedKey,
};
use crate::KeyStatus;
use wire::{ApiKey, ErrorResponse, ListResponse, REQUEST_ID_HEADER};

pub const LIST_PATH: &str = "/api-keys";
pub const STATUS_NOTE: &str =
    "dialect 003 lists only names and client ids: it does not say whether a key is revoked or expired";

pub struct D003;

impl D003 {
    pub fn to_key(item: ApiKey) -> RemoteKey {
        let mut key = RemoteKey::new(item.client_id.clone(), item.name);
        key.details.insert("clientId".into(), item.client_id.into());
        key.details.insert("status_note".into(), STATUS_NOTE.into());
        key.details.extend(item.extra);
        // No secret and no mask: the client id is an identifier, shown as the id.
        key.mask = String::new();
        key.status_known = false;
        key
    }

    /// The wire form of a vault key; revoked keys are not listed (their secret is gone).
    pub fn from_served(key: &ServedKey) -> Option<ApiKey> {
        (key.record.status != KeyStatus::Revoked).then(|| ApiKey {
            name: key.record.name.clone(),
            client_id: key.record.id.clone(),
            extra: Default::default(),
        })
    }

    fn error(status: u16, code: Option<&str>, message: &str) -> ServeResponse {
        ServeResponse::json(
            status,
            &ErrorResponse {
                code: code.map(str::to_string),
                message: message.into(),
                extra: Default::default(),
            },
        )
    }
}

impl Dialect for D003 {
    fn id(&self) -> DialectId {
        DialectId::D003
    }

    fn default_auth(&self) -> AuthStyle {
        AuthStyle::bearer()
    }

    fn list_path(&self, _params: ListParams<'_>) -> Result<String, String> {
        Ok(LIST_PATH.into())
    }

    fn decode_page(&self, body: &[u8]) -> Result<Page, String> {
        let list: ListResponse = parse_json(body)?;
        // The keys are listed all the same; the source says the server disagrees with itself.
        let warning = (list.count != list.api_keys.len() as i64).then(|| {
            format!(
                "the server's `count` says {} but it returned {} keys",
                list.count,
                list.api_keys.len()
            )
        });
        Ok(Page {
            keys: list.api_keys.into_iter().map(D003::to_key).collect(),
            next_cursor: None,
            has_more: false,
            warning,
            total: None,
        })
    }

    fn decode_error(&self, headers: &HeaderMap, body: &[u8]) -> Option<ErrorDetails> {
        let error: ErrorResponse = parse_json(body).ok()?;
        let mut fields: Vec<String> = error.extra.keys().cloned().collect();
        fields.sort();
        Some(ErrorDetails {
            code: error.code,
            message: Some(error.message),
            request_id: headers
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            fields,
            hint: None,
        })
    }

    fn unauthorized(&self, _context: &ServeContext) -> ServeResponse {
        D003::error(
            401,
            Some("invalid_token"),
            "Access token is missing or invalid.",
        )
    }

    /// The seed answers what it does not implement with 501.
    fn not_found(&self, _context: &ServeContext) -> ServeResponse {
        D003::error(501, None, "This endpoint has not been implemented yet.")
    }

    fn server_error(&self, _context: &ServeContext) -> ServeResponse {
        D003::error(500, Some("internal_error"), "Internal server error.")
    }

    fn list(
        &self,
        _request: &ServeRequest,
        _context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        let api_keys: Vec<ApiKey> = keys.iter().filter_map(D003::from_served).collect();
        ServeResponse::json(
            200,
            &ListResponse {
                count: api_keys.len() as i64,
                api_keys,
                extra: Default::default(),
            },
        )
    }

    /// Every answer names its request (`X-Request-Id`).
    fn finish(&self, response: ServeResponse, context: &ServeContext) -> ServeResponse {
        response.with_header(REQUEST_ID_HEADER, &context.request_id)
    }
}
