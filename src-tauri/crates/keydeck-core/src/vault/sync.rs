//! Syncing a source: its whole listing fetched within the sync's budget, then its cache
//! replaced in one transaction (full keys to the keyring first). A failed sync keeps the
//! previous listing and records why.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{SourceInfo, Vault};
use crate::error::ErrorBody;
use crate::remote::client::{Endpoint, Listing};
use crate::remote::{Client, RemoteError, RemoteErrorKind, RemoteKey, SyncWatch};
use crate::secret_store::item;
use crate::{Error, Result, Secret};

#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub source: String,
    pub keys: usize,
    pub synced_at: DateTime<Utc>,
}

/// Rows per INSERT when a listing is stored (18 values each, well under SQLite's limit).
const INSERT_BATCH: usize = 500;

impl Vault {
    /// Fetches a source's whole listing and replaces its cache in one transaction. A failed
    /// sync keeps the previous listing and records why it failed.
    pub async fn sync_source(&self, name: &str, client: &Client) -> Result<SyncReport> {
        self.sync_source_watched(name, client, &SyncWatch::default())
            .await
    }

    /// [`Vault::sync_source`], reporting progress and stopping when `watch` is cancelled
    /// (a cancelled sync keeps the previous listing and state, and records no failure).
    pub async fn sync_source_watched(
        &self,
        name: &str,
        client: &Client,
        watch: &SyncWatch,
    ) -> Result<SyncReport> {
        let info = self.source(name).await?;
        let now = Utc::now();
        let outcome = match self.fetch(&info, client, watch).await {
            Ok(listing) => self.replace_listing(name, listing, now).await,
            Err(err) => Err(err),
        };
        let failed = match &outcome {
            Ok(_) | Err(Error::Cancelled(_)) => None,
            Err(err) => Some(err),
        };
        if let Some(err) = failed {
            let body = serde_json::to_string(&ErrorBody::from(err)).expect("errors serialize");
            sqlx::query("UPDATE sources SET last_attempt_at = ?, last_error = ? WHERE name = ?")
                .bind(now.timestamp_millis())
                .bind(body)
                .bind(name)
                .execute(&self.pool)
                .await?;
        }
        outcome
    }

    async fn fetch(
        &self,
        info: &SourceInfo,
        client: &Client,
        watch: &SyncWatch,
    ) -> Result<Listing> {
        let (url, credential) = self.endpoint_parts(info).await?;
        let endpoint = Endpoint {
            name: &info.name,
            base_url: &url,
            auth: &info.auth,
            credential: &credential,
        };
        client
            .list(
                &endpoint,
                info.dialect.dialect(),
                info.user_id.as_deref(),
                watch,
            )
            .await
    }

    pub(super) async fn replace_listing(
        &self,
        name: &str,
        listing: Listing,
        now: DateTime<Utc>,
    ) -> Result<SyncReport> {
        let keys = listing.keys;
        let warning = (!listing.warnings.is_empty()).then(|| listing.warnings.join("; "));
        let mut seen = HashSet::new();
        if let Some(dup) = keys.iter().find(|k| !seen.insert(k.id.as_str())) {
            return Err(RemoteError::new(
                name,
                RemoteErrorKind::InvalidResponse,
                format!("the listing has the id `{}` more than once", dup.id),
            )
            .into());
        }
        let previous: HashSet<String> = self.remote_secret_ids(name).await?.into_iter().collect();
        // A key the server reports revoked keeps no secret here.
        let secrets: Vec<(String, Secret)> = keys
            .iter()
            .filter(|k| !k.revoked)
            .filter_map(|k| Some((item::remote_key(name, &k.id), k.secret.clone()?)))
            .collect();
        let current: HashSet<String> = secrets.iter().map(|(id, _)| id.clone()).collect();
        // The full keys go to the keyring first; the listing commits only after they are in.
        self.store_call(move |store| {
            for (id, secret) in &secrets {
                store.set(id, secret)?;
            }
            Ok(())
        })
        .await?;
        let count = keys.len();
        let mut tx = self.pool.begin().await?;
        insert_listing(&mut tx, name, keys).await?;
        sqlx::query("UPDATE sources SET synced_at = ?, last_attempt_at = ?, last_error = NULL, warning = ? WHERE name = ?")
            .bind(now.timestamp_millis())
            .bind(now.timestamp_millis())
            .bind(&warning)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let fresh: Vec<String> = current.difference(&previous).cloned().collect();
        self.commit_or_forget(tx, &fresh).await?;
        // Full keys the server no longer lists (or reports revoked) leave the keyring too.
        let gone: Vec<String> = previous.difference(&current).cloned().collect();
        self.forget_secrets(gone).await;
        Ok(SyncReport {
            source: name.to_string(),
            keys: count,
            synced_at: now,
        })
    }
}

/// Replaces a source's cached listing inside `tx`, many rows per statement (a statement is
/// a round trip to SQLite's thread).
async fn insert_listing(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    name: &str,
    keys: Vec<RemoteKey>,
) -> Result<()> {
    sqlx::query("DELETE FROM remote_keys WHERE source = ?")
        .bind(name)
        .execute(&mut **tx)
        .await?;
    let ms = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp_millis());
    let numbered: Vec<(usize, RemoteKey)> = keys.into_iter().enumerate().collect();
    for rows in numbered.chunks(INSERT_BATCH) {
        let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO remote_keys (source, id, position, name, name_key, mask, scopes, env, owner, details, \
             created_at, updated_at, last_used_at, expires_at, revoked_at, revoked, status_known, has_secret) ",
        );
        insert.push_values(rows, |mut row, (position, key)| {
            row.push_bind(name)
                .push_bind(&key.id)
                .push_bind(*position as i64)
                .push_bind(&key.name)
                .push_bind(crate::text::sort_key(&key.name))
                .push_bind(&key.mask)
                .push_bind(super::to_json(&key.scopes))
                .push_bind(&key.env)
                .push_bind(&key.owner)
                .push_bind(serde_json::to_string(&key.details).expect("JSON values serialize"))
                .push_bind(ms(key.created_at))
                .push_bind(ms(key.updated_at))
                .push_bind(ms(key.last_used_at))
                .push_bind(ms(key.expires_at))
                .push_bind(ms(key.revoked_at))
                .push_bind(key.revoked)
                .push_bind(key.status_known)
                .push_bind(key.secret.is_some() && !key.revoked);
        });
        insert.build().execute(&mut **tx).await?;
    }
    Ok(())
}
