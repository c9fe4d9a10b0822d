//! `doctor`: checks that the database is sound and that it and the keyring agree.

use std::collections::HashSet;

use serde::Serialize;

use super::{keyring_space::expected_items, open::supported_schema_version, Vault};
use crate::secret_store::item;
use crate::{Error, Result};

#[derive(Debug, Serialize)]
pub struct DoctorReport {
    pub vault: String,
    /// Names this vault's space in the keyring: its items are user `<vault id>/<item>`,
    /// tagged `keydeck_vault=<vault id>`. Nothing outside it is ever touched.
    pub vault_id: String,
    pub schema_version: i64,
    pub supported_schema_version: i64,
    /// `PRAGMA integrity_check`: `ok`, or what SQLite found.
    pub integrity: String,
    pub keys: i64,
    pub keyring: KeyringHealth,
    /// Items (`key/<id>`, `source/<name>`, `remote/<source>/<id>`) the rows need but the
    /// keyring lacks (deleted outside keydeck). Not repaired: set the secret again with
    /// `keydeck rotate` or `keydeck source set-token`, or remove the key.
    pub missing_secrets: Vec<String>,
    /// Revoked keys whose secret is still in the keyring. Repair deletes the secret.
    pub revoked_with_secret: Vec<String>,
    /// Items of this vault's space that no row needs: left by an add, import or delete
    /// that was interrupted before it committed. Nothing refers to them; repair deletes them.
    pub orphan_secrets: Vec<String>,
    /// What `--repair` changed.
    pub repaired: Vec<String>,
    pub healthy: bool,
}

#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum KeyringHealth {
    Ok,
    /// The keyring cannot be searched here; keys were checked one by one.
    OkNoSearch,
    Locked {
        message: String,
    },
    Unavailable {
        message: String,
    },
    Error {
        message: String,
    },
}

impl Vault {
    pub async fn doctor(&self, repair: bool) -> Result<DoctorReport> {
        let mut report = self.database_report().await?;
        let expected: Vec<String> = expected_items(&mut *self.pool.acquire().await?)
            .await?
            .into_iter()
            .map(|e| e.item)
            .collect();
        let revoked: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, secret_rev FROM keys WHERE revoked_at IS NOT NULL ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let revoked: Vec<String> = revoked
            .iter()
            .map(|(id, rev)| item::key(id, *rev))
            .collect();
        match self.stored_items(&expected, &revoked).await {
            Ok((stored, searchable)) => {
                if !searchable {
                    report.keyring = KeyringHealth::OkNoSearch;
                }
                compare(&mut report, &expected, &revoked, &stored);
                // A previous secret kept after a rotation is the vault's until it lapses.
                let kept = self.previous_items().await?;
                report.orphan_secrets.retain(|item| !kept.contains(item));
            }
            Err(Error::KeyringLocked(message)) => {
                report.keyring = KeyringHealth::Locked { message }
            }
            Err(Error::KeyringUnavailable(message)) => {
                report.keyring = KeyringHealth::Unavailable { message }
            }
            Err(other) => {
                report.keyring = KeyringHealth::Error {
                    message: other.to_string(),
                }
            }
        }
        if repair {
            self.repair(&mut report).await?;
        }
        report.healthy = report.integrity == "ok"
            && matches!(
                report.keyring,
                KeyringHealth::Ok | KeyringHealth::OkNoSearch
            )
            && report.missing_secrets.is_empty()
            && report.revoked_with_secret.is_empty()
            && report.orphan_secrets.is_empty();
        Ok(report)
    }

    /// What the database says of itself: integrity, schema, keys.
    async fn database_report(&self) -> Result<DoctorReport> {
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        let schema_version: i64 = sqlx::query_scalar(
            "SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&self.pool)
        .await?;
        let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM keys")
            .fetch_one(&self.pool)
            .await?;
        Ok(DoctorReport {
            vault: self.db_path.display().to_string(),
            vault_id: self.vault_id().to_string(),
            schema_version,
            supported_schema_version: supported_schema_version(),
            integrity: integrity.join("; "),
            keys,
            keyring: KeyringHealth::Ok,
            missing_secrets: vec![],
            revoked_with_secret: vec![],
            orphan_secrets: vec![],
            repaired: vec![],
            healthy: false,
        })
    }

    /// The items this vault's space holds, and whether the keyring could be searched (if not,
    /// the expected items are asked for one by one).
    async fn stored_items(
        &self,
        expected: &[String],
        revoked: &[String],
    ) -> Result<(HashSet<String>, bool)> {
        let wanted: Vec<String> = expected.iter().chain(revoked).cloned().collect();
        self.store_call(move |store| match store.list()? {
            Some(items) => Ok((items.into_iter().collect(), true)),
            None => {
                let mut present = HashSet::new();
                for item in wanted {
                    if store.get(&item)?.is_some() {
                        present.insert(item);
                    }
                }
                Ok((present, false))
            }
        })
        .await
    }

    /// Deletes what is safe to delete: orphans, and the secrets of revoked keys.
    async fn repair(&self, report: &mut DoctorReport) -> Result<()> {
        let doomed: Vec<(String, &'static str)> = report
            .orphan_secrets
            .drain(..)
            .map(|id| (id, "deleted orphan secret"))
            .chain(
                report
                    .revoked_with_secret
                    .drain(..)
                    .map(|id| (id, "deleted the secret of revoked key")),
            )
            .collect();
        report.repaired = self
            .store_call(move |store| {
                doomed
                    .into_iter()
                    .map(|(id, what)| store.delete(&id).map(|_| format!("{what} {id}")))
                    .collect::<Result<Vec<_>>>()
            })
            .await?;
        Ok(())
    }
}

/// What the keyring lacks, holds too much of, or holds that nothing needs.
fn compare(
    report: &mut DoctorReport,
    expected: &[String],
    revoked: &[String],
    stored: &HashSet<String>,
) {
    report.missing_secrets = expected
        .iter()
        .filter(|item| !stored.contains(*item))
        .cloned()
        .collect();
    report.revoked_with_secret = revoked
        .iter()
        .filter(|item| stored.contains(*item))
        .cloned()
        .collect();
    let known: HashSet<&String> = expected.iter().chain(revoked).collect();
    report.orphan_secrets = stored
        .iter()
        .filter(|item| !known.contains(item))
        .cloned()
        .collect();
    report.orphan_secrets.sort();
}
