//! Seed 004: `GET /api/v1/users/{user_id}/auth/keys` answers `{keys: [...]}`; `key` (the
//! full key) may be present. Errors: `{errors: [{code, message, fields?}]}` plus the
//! `x-cloud-error-codes` header.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::remote::FullKey;

pub const ERROR_CODES_HEADER: &str = "x-cloud-error-codes";
pub const USER_NOT_FOUND: &str = "api_keys.user_not_found";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListResponse {
    pub keys: Vec<ApiKey>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The organization ID linked to the API key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    pub description: String,
    /// The API key itself; returned only once by the real service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<FullKey>,
    pub creation_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub errors: Vec<ErrorItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorItem {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
}
