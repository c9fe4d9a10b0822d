//! Revoking a remote key: not part of any seed, so a source may be given a request
//! (`DELETE /path/{id}`); keydeck sends it, then lists the source again and checks.

use reqwest::Method;
use serde::Serialize;

use super::sources::unsupported;
use super::Vault;
use crate::remote::client::{error_from_answer, Endpoint};
use crate::remote::error::Redactor;
use crate::remote::{Client, RemoteError, RemoteErrorKind};
use crate::{KeyRecord, KeyStatus, Result};

/// What a remote revoke found when it listed the source again.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RemoteRevoke {
    /// The key is listed as revoked now.
    Revoked { key: Box<KeyRecord> },
    /// The key is no longer listed.
    Gone { id: String },
}

/// `METHOD /path/{id}` → (method, path template).
pub(super) fn parse_revoke_template(source: &str, template: &str) -> Result<(Method, String)> {
    let bad = || {
        unsupported(
            source,
            format!(
                "the revoke template `{template}` must look like `DELETE /api/v1/keys/{{id}}`: \
                 a method (DELETE, POST, PUT, PATCH) and a path with {{id}}"
            ),
        )
    };
    let (method, path) = template.trim().split_once(' ').ok_or_else(bad)?;
    let method = match method.to_ascii_uppercase().as_str() {
        "DELETE" => Method::DELETE,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        _ => return Err(bad()),
    };
    let path = path.trim();
    if !path.starts_with('/') || !path.contains("{id}") || path.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    Ok((method, path.to_string()))
}

impl Vault {
    /// Revokes a remote key with its source's revoke template, then lists the source again
    /// and checks that the key is revoked or gone.
    pub async fn revoke_remote(&self, record: &KeyRecord, client: &Client) -> Result<RemoteRevoke> {
        let info = self.source(&record.source).await?;
        let Some(template) = &info.revoke_template else {
            return Err(RemoteError::new(
                &info.name,
                RemoteErrorKind::NoRevokeTemplate,
                format!(
                    "revoking is not part of dialect {}'s API and this source has no revoke request",
                    info.dialect
                ),
            )
            .into());
        };
        let (method, path) = parse_revoke_template(&info.name, template)?;
        let encode = crate::remote::encode_segment;
        let path = path.replace("{id}", &encode(&record.id)).replace(
            "{user_id}",
            &encode(info.user_id.as_deref().unwrap_or_default()),
        );
        let (url, credential) = self.endpoint_parts(&info).await?;
        let endpoint = Endpoint {
            name: &info.name,
            base_url: &url,
            auth: &info.auth,
            credential: &credential,
        };
        let answer = client.send(&endpoint, method, &path).await?;
        if !(200..300).contains(&answer.status) {
            return Err(error_from_answer(
                &info.name,
                info.dialect.dialect(),
                &answer,
                &Redactor::new(&credential),
            )
            .into());
        }
        self.sync_source(&info.name, client).await?;
        match self.key_by_id(&info.name, &record.id).await? {
            None => Ok(RemoteRevoke::Gone {
                id: record.id.clone(),
            }),
            Some(after) if after.status == KeyStatus::Revoked => Ok(RemoteRevoke::Revoked {
                key: Box::new(after),
            }),
            Some(after) => Err(unsupported(
                &info.name,
                format!(
                    "the server accepted the revoke request but still lists `{}` as {}",
                    after.name,
                    after.status.as_str()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoke_templates() {
        let (method, path) =
            parse_revoke_template("s", "DELETE /api/v1/user/api-keys/{id}").unwrap();
        assert_eq!(method, Method::DELETE);
        assert_eq!(path, "/api/v1/user/api-keys/{id}");
        for bad in [
            "DELETE /keys",
            "GET /keys/{id}",
            "/keys/{id}",
            "DELETE keys/{id}",
            "DELETE /a b/{id}",
        ] {
            assert!(parse_revoke_template("s", bad).is_err(), "{bad}");
        }
    }
}
