//! Seed 003: `GET /api-keys` answers `{count, apiKeys: [{name, clientId}]}`, with an
//! `X-Request-Id` header on every answer. Errors: `{code?, message, ...extra}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const REQUEST_ID_HEADER: &str = "X-Request-Id";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    /// Number of items returned in the result.
    pub count: i64,
    pub api_keys: Vec<ApiKey>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub name: String,
    /// An identifier, not a secret.
    pub client_id: String,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The generic API error; 501 answers carry only `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}
