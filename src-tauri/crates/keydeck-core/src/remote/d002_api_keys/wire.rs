//! Seed 002: `GET /api/v1/api-keys?after=&limit=` answers
//! `{result, success, suggestion, message, meta}` with cursor paging in `meta`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListResponse {
    pub result: Vec<ApiKeyRead>,
    #[serde(default = "yes")]
    pub success: bool,
    #[serde(default)]
    pub suggestion: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub meta: Option<PaginationMeta>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyRead {
    pub id: String,
    #[serde(default)]
    pub principal_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub key_prefix: Option<String>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub is_revoked: Option<bool>,
    #[serde(default)]
    pub revoked_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub delegation_id: Option<String>,
    #[serde(default)]
    pub pact_id: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Pagination metadata: cursor fields (`has_more`, `after`, `before`) for cursor paging,
/// `offset`/`limit` for the deprecated offset parameter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaginationMeta {
    #[serde(default)]
    pub total: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub has_more: Option<bool>,
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub before: Option<String>,
}

/// Errors: the same envelope with `success: false`, or a validation answer `{detail: [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorResponse {
    Envelope(ErrorEnvelope),
    Validation { detail: Vec<ValidationError> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub success: bool,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub suggestion: Option<String>,
    #[serde(default)]
    pub result: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    pub loc: Vec<serde_json::Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}
