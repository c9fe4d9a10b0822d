//! Seed 000: `GET /api/v1/user/api-keys`, a bare JSON array; errors `{code, detail, type}`.
//! The seed marks no field as required; keydeck needs `id`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub allow_self_revoke: Option<bool>,
    #[serde(default)]
    pub allowed_scopes: Option<Vec<String>>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub last_used_at: Option<String>,
    /// Masked key only, no plaintext.
    #[serde(default)]
    pub masked_key: Option<String>,
    #[serde(default)]
    pub org_id: Option<String>,
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Fields the seed does not name, kept for the detail pane.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

pub type ListResponse = Vec<ApiKey>;

/// The canonical error envelope; `detail` is a message, or a list of validation errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// The HTTP status code.
    pub code: i64,
    pub detail: Detail,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Detail {
    Message(String),
    Validation(Vec<ValidationError>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    /// Where the validation error occurred.
    pub loc: Vec<serde_json::Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}
