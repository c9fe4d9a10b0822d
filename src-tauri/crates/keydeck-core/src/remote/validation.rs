//! The FastAPI-style validation error that dialects 000 and 002 answer a bad request with:
//! `{loc, msg, type}` per problem.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    /// Where the problem is: `["query", "limit"]`.
    pub loc: Vec<serde_json::Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}

impl ValidationError {
    /// One problem with a query parameter.
    pub fn query(parameter: &str, msg: &str, kind: &str) -> Self {
        ValidationError {
            loc: vec!["query".into(), parameter.into()],
            msg: msg.into(),
            kind: kind.into(),
        }
    }

    /// `query.limit`: where, as one dotted path.
    pub fn path(&self) -> String {
        self.loc
            .iter()
            .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// What a list of validation errors says, in keydeck's terms: the messages, the fields, and
/// the first problem's type as the code.
pub fn details(errors: &[ValidationError]) -> super::ErrorDetails {
    super::ErrorDetails {
        message: Some(
            errors
                .iter()
                .map(|e| e.msg.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        fields: errors.iter().map(ValidationError::path).collect(),
        code: errors.first().map(|e| e.kind.clone()),
        ..super::ErrorDetails::default()
    }
}
