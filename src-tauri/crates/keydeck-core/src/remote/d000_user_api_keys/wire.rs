//! Seed 000: `GET /api/v1/user/api-keys`, a bare JSON array; errors `{code, detail, type}`.
//! The seed marks no field as required; keydeck needs `id`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::remote::validation::ValidationError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_self_revoke: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    /// Masked key only, no plaintext.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// Fields the seed does not name, kept for the detail pane.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

pub type ListResponse = Vec<ApiKey>;

/// The canonical error envelope; `detail` is a message, or a list of validation errors. The
/// seed requires all three fields; keydeck reads an envelope that has only some of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// The HTTP status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Detail {
    Message(String),
    Validation(Vec<ValidationError>),
}
