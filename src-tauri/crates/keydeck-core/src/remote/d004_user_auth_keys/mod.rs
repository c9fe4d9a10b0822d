//! Dialect 004: one user's keys, with `expiration_date` and sometimes the full `key`.

pub mod wire;

use reqwest::header::HeaderMap;

use super::{
    decode_component, detail, encode_segment, mask_of_key, parse_json, read_time, write_time,
    AuthStyle, Dialect, DialectId, ErrorDetails, FullKey, ListParams, Page, RemoteKey, Route,
    ServeContext, ServeRequest, ServeResponse, ServedKey,
};
use crate::KeyStatus;
use wire::{ApiKey, ErrorItem, ErrorResponse, ListResponse, ERROR_CODES_HEADER, USER_NOT_FOUND};

pub struct D004;

/// `/api/v1/users/{user_id}/auth/keys`.
pub fn list_path_for(user_id: &str) -> String {
    format!("/api/v1/users/{}/auth/keys", encode_segment(user_id))
}

impl D004 {
    pub fn to_key(item: ApiKey) -> RemoteKey {
        let mut key = RemoteKey::new(item.id, item.description);
        let d = &mut key.details;
        key.created_at = read_time("creation_date", Some(item.creation_date), d);
        key.expires_at = read_time("expiration_date", item.expiration_date, d);
        detail(d, "user_id", &item.user_id);
        detail(d, "organization_id", &item.organization_id);
        d.extend(item.extra);
        if let Some(full) = item.key {
            (key.mask, key.secret) = mask_of_key(&full);
        }
        key.owner = item.user_id.or(item.organization_id);
        key
    }

    /// The wire form of a vault key; revoked keys are not listed (the API has no revoked
    /// state, and their secret is gone).
    pub fn from_served(key: &ServedKey, user_id: &str) -> Option<ApiKey> {
        let r = &key.record;
        (r.status != KeyStatus::Revoked).then(|| ApiKey {
            id: r.id.clone(),
            user_id: Some(user_id.to_string()),
            organization_id: None,
            description: r.name.clone(),
            key: key.secret.as_ref().map(|s| FullKey(s.expose().to_string())),
            creation_date: r.created_at.map(write_time).unwrap_or_default(),
            expiration_date: r.expires_at.map(write_time),
            extra: Default::default(),
        })
    }

    fn error(status: u16, code: &str, message: &str, fields: Option<Vec<String>>) -> ServeResponse {
        ServeResponse::json(
            status,
            &ErrorResponse {
                errors: vec![ErrorItem {
                    code: code.into(),
                    message: message.into(),
                    fields,
                }],
            },
        )
        .with_header(ERROR_CODES_HEADER, code)
    }
}

impl Dialect for D004 {
    fn id(&self) -> DialectId {
        DialectId::D004
    }

    fn default_auth(&self) -> AuthStyle {
        AuthStyle::bearer()
    }

    fn list_path(&self, params: ListParams<'_>) -> Result<String, String> {
        let user_id = params
            .user_id
            .filter(|u| !u.is_empty())
            .ok_or("dialect 004 lists one user's keys: give the user id")?;
        Ok(list_path_for(user_id))
    }

    fn decode_page(&self, body: &[u8]) -> Result<Page, String> {
        let list: ListResponse = parse_json(body)?;
        Ok(Page {
            keys: list.keys.into_iter().map(D004::to_key).collect(),
            next_cursor: None,
            has_more: false,
            warning: None,
            total: None,
        })
    }

    fn decode_error(&self, headers: &HeaderMap, body: &[u8]) -> Option<ErrorDetails> {
        let response: ErrorResponse = parse_json(body).ok()?;
        let header_codes = headers
            .get(ERROR_CODES_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let first = response.errors.first();
        Some(ErrorDetails {
            code: header_codes.or_else(|| first.map(|e| e.code.clone())),
            message: Some(
                response
                    .errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            fields: response
                .errors
                .iter()
                .flat_map(|e| e.fields.clone().unwrap_or_default())
                .collect(),
            ..ErrorDetails::default()
        })
    }

    fn serves_secrets(&self) -> bool {
        true
    }

    fn unauthorized(&self, _context: &ServeContext) -> ServeResponse {
        D004::error(
            401,
            "api_keys.unauthorized",
            "The API key is missing or invalid.",
            None,
        )
    }

    fn not_found(&self, _context: &ServeContext) -> ServeResponse {
        D004::error(404, "api_keys.not_found", "Not found.", None)
    }

    fn server_error(&self, _context: &ServeContext) -> ServeResponse {
        D004::error(
            500,
            "api_keys.internal_error",
            "Internal server error.",
            None,
        )
    }

    /// `/api/v1/users/{user_id}/auth/keys` of the one user this server knows; another user
    /// is `api_keys.user_not_found`.
    fn route(&self, request: &ServeRequest, context: &ServeContext) -> Route {
        let Some((user, rest)) = request
            .path
            .strip_prefix("/api/v1/users/")
            .and_then(|rest| rest.split_once("/auth/keys"))
        else {
            return Route::Answer(self.not_found(context));
        };
        let user = decode_component(user);
        if user != context.user_id.as_deref().unwrap_or_default() {
            return Route::Answer(D004::error(
                404,
                USER_NOT_FOUND,
                &format!("The user {user} can't be found."),
                Some(vec!["user_id".into()]),
            ));
        }
        match (request.method.as_str(), rest.strip_prefix('/')) {
            ("GET", None) if rest.is_empty() => Route::List,
            ("DELETE", Some(id)) if !id.is_empty() && !id.contains('/') => {
                Route::Revoke(decode_component(id))
            }
            _ => Route::Answer(self.not_found(context)),
        }
    }

    fn list(
        &self,
        _request: &ServeRequest,
        context: &ServeContext,
        keys: &[ServedKey],
    ) -> ServeResponse {
        let user = context.user_id.as_deref().unwrap_or_default();
        let keys = keys
            .iter()
            .filter_map(|k| D004::from_served(k, user))
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
