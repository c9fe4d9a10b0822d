//! Remote sources on the vault: their settings in SQLite, their credentials in the keyring,
//! and each one's last listing cached so it still answers offline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::{from_ms, validate, Vault};
use crate::error::ErrorBody;
use crate::model::{ALL_SOURCES, LOCAL_SOURCE};
use crate::remote::client::{check_url, is_loopback, Detection};
use crate::remote::{AuthStyle, Client, DialectId, RemoteError, RemoteErrorKind};
use crate::secret_store::item;
use crate::{Error, Result, Secret};

/// What adding a source is given (the token travels separately, as a [`Secret`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SourceSpec {
    pub name: String,
    pub url: String,
    /// `None`: detect it.
    pub dialect: Option<DialectId>,
    /// Overrides the dialect's header (e.g. `X-Assistant-Service-Key`).
    pub auth_header: Option<String>,
    /// Overrides the scheme (`ApiKey`); empty sends the bare credential.
    pub auth_scheme: Option<String>,
    /// 004's `{user_id}`.
    pub user_id: Option<String>,
    /// `METHOD /path/{id}`: how to revoke a key on this server (not part of the seeds).
    pub revoke_template: Option<String>,
    /// Plain http to another machine, knowingly.
    pub allow_insecure: bool,
}

/// A source as listings and the window show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SourceInfo {
    pub name: String,
    pub url: String,
    pub dialect: DialectId,
    /// The header and scheme actually sent.
    pub auth: AuthStyle,
    /// The header as set for this source (`None`: the dialect's).
    pub auth_header: Option<String>,
    /// The scheme as set for this source (`None`: the dialect's; empty: none).
    pub auth_scheme: Option<String>,
    pub user_id: Option<String>,
    pub revoke_template: Option<String>,
    pub allow_insecure: bool,
    pub created_at: DateTime<Utc>,
    /// The last successful sync: what the cached listing is as of.
    pub synced_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Why the last sync failed, when it did.
    pub last_error: Option<ErrorBody>,
    #[ts(type = "number")]
    pub key_count: i64,
    /// The cached listing may be out of date: the last sync failed, or none has worked yet.
    pub stale: bool,
    /// What was odd about the last listing without stopping it (a `count` that differs
    /// from the keys returned).
    pub warning: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    name: String,
    url: String,
    dialect: String,
    auth_header: Option<String>,
    auth_scheme: Option<String>,
    user_id: Option<String>,
    revoke_template: Option<String>,
    allow_insecure: bool,
    created_at: i64,
    synced_at: Option<i64>,
    last_attempt_at: Option<i64>,
    last_error: Option<String>,
    key_count: i64,
    warning: Option<String>,
}

/// What changing a source asks first (see [`Vault::edit_question`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditQuestion {
    /// Its token goes to another server (or over plain http).
    NewServer,
    /// It gets a new token.
    NewToken,
}

/// A spec checked, with its dialect and user id settled.
pub(super) struct Resolved {
    pub url: Url,
    pub dialect: DialectId,
    pub detection: Option<Detection>,
    pub user_id: Option<String>,
}

impl SourceInfo {
    /// The settings this source was given, to change some of them.
    pub fn spec(&self) -> SourceSpec {
        SourceSpec {
            name: self.name.clone(),
            url: self.url.clone(),
            dialect: Some(self.dialect),
            auth_header: self.auth_header.clone(),
            auth_scheme: self.auth_scheme.clone(),
            user_id: self.user_id.clone(),
            revoke_template: self.revoke_template.clone(),
            allow_insecure: self.allow_insecure,
        }
    }
}

impl SourceSpec {
    /// The spec as typed, tidied: name and URL trimmed, blank settings unset (an empty auth
    /// scheme stays: it means "send the bare credential").
    pub fn normalized(self) -> SourceSpec {
        let set = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        SourceSpec {
            name: self.name.trim().to_string(),
            url: self.url.trim().to_string(),
            dialect: self.dialect,
            auth_header: set(self.auth_header),
            auth_scheme: self.auth_scheme.map(|s| s.trim().to_string()),
            user_id: set(self.user_id),
            revoke_template: set(self.revoke_template),
            allow_insecure: self.allow_insecure,
        }
    }
}

pub(super) fn effective_auth(
    dialect: DialectId,
    header: Option<&str>,
    scheme: Option<&str>,
) -> AuthStyle {
    let default = dialect.dialect().default_auth();
    let chosen = |s: &str| (!s.is_empty()).then(|| s.to_string());
    match (header, scheme) {
        (None, None) => default,
        (None, Some(s)) => AuthStyle {
            header: default.header,
            scheme: chosen(s),
        },
        // A custom header carries the bare credential unless a scheme is given.
        (Some(h), s) => AuthStyle {
            header: h.to_string(),
            scheme: s.and_then(chosen),
        },
    }
}

pub(super) fn unsupported(source: &str, message: impl Into<String>) -> Error {
    RemoteError::new(source, RemoteErrorKind::Unsupported, message).into()
}

/// Checks a source's settings before anything is stored; answers its URL.
pub(super) fn validate_spec(spec: &SourceSpec) -> Result<Url> {
    validate_source_name(&spec.name)?;
    let url = check_url(&spec.name, &spec.url, spec.allow_insecure)?;
    if let Some(template) = &spec.revoke_template {
        super::remote_revoke::parse_revoke_template(&spec.name, template)?;
    }
    if let Some(header) = &spec.auth_header {
        reqwest::header::HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| Error::InvalidInput(format!("`{header}` is not an HTTP header name")))?;
    }
    if let Some(scheme) = &spec.auth_scheme {
        if !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(Error::InvalidInput(format!(
                "`{scheme}` is not an auth scheme (like Bearer or ApiKey)"
            )));
        }
    }
    Ok(url)
}

pub(super) fn validate_source_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid {
        return Err(Error::InvalidInput(format!(
            "a source name is 1 to 64 letters, digits, `-`, `_` or `.` (not `{}`)",
            name.chars().take(80).collect::<String>()
        )));
    }
    if name == LOCAL_SOURCE || name == ALL_SOURCES {
        return Err(Error::InvalidInput(format!(
            "`{name}` means {} in keydeck; choose another name for the source",
            if name == LOCAL_SOURCE {
                "the vault itself"
            } else {
                "every source"
            }
        )));
    }
    Ok(())
}

impl SourceRow {
    fn into_info(self) -> Result<SourceInfo> {
        let dialect: DialectId = self.dialect.parse()?;
        let last_error: Option<ErrorBody> = self
            .last_error
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| Error::Database(format!("last_error of source {}: {e}", self.name)))?;
        Ok(SourceInfo {
            auth: effective_auth(
                dialect,
                self.auth_header.as_deref(),
                self.auth_scheme.as_deref(),
            ),
            stale: last_error.is_some() || self.synced_at.is_none(),
            auth_header: self.auth_header,
            auth_scheme: self.auth_scheme,
            name: self.name,
            url: self.url,
            dialect,
            user_id: self.user_id,
            revoke_template: self.revoke_template,
            allow_insecure: self.allow_insecure,
            created_at: from_ms(self.created_at)?,
            synced_at: self.synced_at.map(from_ms).transpose()?,
            last_attempt_at: self.last_attempt_at.map(from_ms).transpose()?,
            last_error,
            key_count: self.key_count,
            warning: self.warning,
        })
    }
}

const SELECT_SOURCES: &str = "SELECT s.*, (SELECT count(*) FROM remote_keys r WHERE r.source = s.name) AS key_count FROM sources s";

impl Vault {
    /// Adds a source (detecting its dialect when asked) and keeps its credential in the
    /// keyring, without listing it: [`Vault::add_checked_source`] lists it first.
    pub async fn add_source(
        &self,
        spec: SourceSpec,
        credential: Secret,
        client: &Client,
    ) -> Result<(SourceInfo, Option<Detection>)> {
        self.refuse_taken_name(&spec.name).await?;
        let resolved = self.resolve_spec(&spec, &credential, client).await?;
        self.insert_source(&spec, &resolved, credential).await?;
        Ok((self.source(&spec.name).await?, resolved.detection))
    }

    /// Checks a spec and settles what it leaves open: the dialect (detected when not
    /// given) and the user id 004 needs.
    pub(super) async fn resolve_spec(
        &self,
        spec: &SourceSpec,
        credential: &Secret,
        client: &Client,
    ) -> Result<Resolved> {
        let url = validate_spec(spec)?;
        let user_id = validate::optional_text("user id", spec.user_id.clone(), 200)?;
        let (dialect, detection) = match spec.dialect {
            Some(dialect) => (dialect, None),
            None => {
                let found = client
                    .detect(&spec.name, &url, credential, user_id.as_deref())
                    .await?;
                (found.dialect, Some(found))
            }
        };
        if dialect == DialectId::D004 && user_id.is_none() {
            return Err(Error::InvalidInput(
                "dialect 004 lists one user's keys: give the user id".into(),
            ));
        }
        Ok(Resolved {
            url,
            dialect,
            detection,
            user_id,
        })
    }

    pub(super) async fn insert_source(
        &self,
        spec: &SourceSpec,
        resolved: &Resolved,
        credential: Secret,
    ) -> Result<()> {
        let name = spec.name.as_str();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sources (name, url, dialect, auth_header, auth_scheme, user_id, revoke_template, allow_insecure, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(name)
        .bind(resolved.url.as_str())
        .bind(resolved.dialect.as_str())
        .bind(&spec.auth_header)
        .bind(&spec.auth_scheme)
        .bind(&resolved.user_id)
        .bind(&spec.revoke_template)
        .bind(spec.allow_insecure)
        .bind(Utc::now().timestamp_millis())
        .execute(&mut *tx)
        .await?;
        let id = item::credential(name);
        self.store_call(move |store| store.set(&id, &credential))
            .await?;
        self.commit_or_forget(tx, &[item::credential(name)]).await
    }

    /// The question to ask, where a person must confirm it themselves (the window asks in a
    /// native dialog a script in the page cannot answer), before keydeck sends a token to
    /// `url`: a server no source of this vault uses yet, or plain http to another machine.
    pub async fn new_server_question(
        &self,
        url: &str,
        allow_insecure: bool,
    ) -> Result<Option<String>> {
        let url = check_url("new source", url, allow_insecure)?;
        let origin = url.origin().ascii_serialization();
        let known =
            self.sources().await?.iter().any(|s| {
                Url::parse(&s.url).is_ok_and(|u| u.origin().ascii_serialization() == origin)
            });
        if url.scheme() == "http" && !is_loopback(&url) {
            return Ok(Some(format!(
                "Connect keydeck to {origin} over plain http?\n\nAnyone on the network path \
                 can read the token you gave and every key the server lists."
            )));
        }
        Ok((!known).then(|| {
            format!(
                "Connect keydeck to {origin}?\n\nNo source of this vault uses this server yet. \
                 keydeck will send it the token you gave: connect only to a server you chose."
            )
        }))
    }

    /// The question to ask before a source is changed, where a person must confirm it: its
    /// token sent to another origin than the one it was listed from (a script in the page
    /// could point it at its own server, or at another source's), plain http to another
    /// machine, or a new token (which could be another key's revealed secret). `None`: ask
    /// nothing.
    pub async fn edit_question(
        &self,
        name: &str,
        url: &str,
        allow_insecure: bool,
        new_token: bool,
    ) -> Result<Option<(EditQuestion, String)>> {
        let current = self.source(name).await?;
        let url = check_url(name, url, allow_insecure)?;
        let origin = url.origin().ascii_serialization();
        let was = Url::parse(&current.url).map(|u| u.origin().ascii_serialization());
        let token = if new_token {
            "the token you typed"
        } else {
            "its token"
        };
        if url.scheme() == "http" && !is_loopback(&url) {
            return Ok(Some((
                EditQuestion::NewServer,
                format!(
                    "Send source {name}'s token to {origin} over plain http?\n\nAnyone on the \
                     network path can read {token} and every key the server lists."
                ),
            )));
        }
        if was.as_deref().ok() != Some(origin.as_str()) {
            return Ok(Some((
                EditQuestion::NewServer,
                format!(
                    "Move source {name} to {origin}?\n\nkeydeck will send {token} to this \
                     server at each sync: move it only to a server you chose."
                ),
            )));
        }
        Ok(new_token.then(|| {
            (
                EditQuestion::NewToken,
                format!(
                    "Give source {name} a new token?\n\nkeydeck will send the token you typed \
                     to {origin} at each sync."
                ),
            )
        }))
    }

    pub async fn sources(&self) -> Result<Vec<SourceInfo>> {
        let rows: Vec<SourceRow> = sqlx::query_as(&format!("{SELECT_SOURCES} ORDER BY s.name"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(SourceRow::into_info).collect()
    }

    pub async fn source(&self, name: &str) -> Result<SourceInfo> {
        let row: Option<SourceRow> = sqlx::query_as(&format!("{SELECT_SOURCES} WHERE s.name = ?"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.ok_or_else(|| Error::SourceNotFound(name.to_string()))?
            .into_info()
    }

    /// Replaces a source's credential.
    pub async fn set_source_token(&self, name: &str, credential: Secret) -> Result<()> {
        self.source(name).await?;
        let id = item::credential(name);
        self.store_call(move |store| store.set(&id, &credential))
            .await
    }

    /// Removes a source, its cached listing, its credential and the full keys it returned.
    pub async fn remove_source(&self, name: &str) -> Result<SourceInfo> {
        let info = self.source(name).await?;
        let mut doomed: Vec<String> = self.remote_secret_ids(name).await?;
        doomed.push(item::credential(name));
        self.check_keyring(&item::credential(name)).await?;
        sqlx::query("DELETE FROM sources WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        self.delete_after_commit(&format!("source {name}"), "removed", doomed)
            .await?;
        Ok(info)
    }

    pub(super) async fn remote_secret_ids(&self, source: &str) -> Result<Vec<String>> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM remote_keys WHERE source = ? AND has_secret")
                .bind(source)
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.iter().map(|id| item::remote_key(source, id)).collect())
    }

    pub(super) async fn endpoint_parts(&self, info: &SourceInfo) -> Result<(Url, Secret)> {
        let url = check_url(&info.name, &info.url, info.allow_insecure)?;
        let id = item::credential(&info.name);
        let credential = self
            .store_call(move |store| store.get(&id))
            .await?
            .ok_or_else(|| {
                Error::from(RemoteError::new(
                    &info.name,
                    RemoteErrorKind::NoCredential,
                    "the keyring has no credential for this source",
                ))
            })?;
        Ok((url, credential))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_overrides() {
        let d = DialectId::D002;
        assert_eq!(effective_auth(d, None, None), AuthStyle::bare("X-API-Key"));
        assert_eq!(
            effective_auth(d, Some("X-Assistant-Service-Key"), None),
            AuthStyle::bare("X-Assistant-Service-Key")
        );
        let api_key = effective_auth(DialectId::D004, None, Some("ApiKey"));
        assert_eq!(api_key.header, "Authorization");
        assert_eq!(api_key.scheme.as_deref(), Some("ApiKey"));
        assert_eq!(effective_auth(DialectId::D000, None, Some("")).scheme, None);
    }
}
