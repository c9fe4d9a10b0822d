//! The local vault: key metadata in SQLite, secrets in a [`SecretStore`].
//!
//! Every write that touches both goes row-then-secret inside one SQLite transaction that is
//! committed only after the keyring accepted the secret, so a failed keyring write leaves no
//! row and a crash can leave at most a secret without a row (which `doctor` explains and
//! removes). Listing reads SQLite only.

mod doctor;
mod exchange;
mod keyring_space;
mod listing;
mod notices;
mod open;
mod previous;
mod recent;
mod remote_revoke;
mod secrets;
mod source_check;
mod sources;
mod sql;
mod sync;
mod validate;
mod watch;

pub use doctor::{DoctorReport, KeyringHealth};
pub use exchange::{ImportPlan, OnDuplicate, OnStored};
pub use notices::ExpiryNotice;
pub use open::private_file;
pub use previous::{Rotation, MAX_KEEP_PREVIOUS_DAYS};
pub use remote_revoke::RemoteRevoke;
pub use source_check::Checked;
pub use sources::{EditQuestion, SourceInfo, SourceSpec};
pub use sync::SyncReport;
pub use watch::VaultWatch;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::secret_store::Space;
use crate::{Error, KeyRecord, KeyUpdate, NewKey, Result, Secret, SecretStore};

/// Keys expiring within this window are `expiring` unless the caller sets another.
pub const DEFAULT_EXPIRING_WINDOW_DAYS: i64 = 7;

/// Cheap to clone: clones share the connection pool and the secret store.
#[derive(Clone)]
pub struct Vault {
    pool: SqlitePool,
    store: Arc<dyn SecretStore>,
    /// This vault's own part of the keyring (`Space::Vault(vault id)`).
    space: Space,
    /// Keyring work this vault still owes before its first keyring call: moving items of
    /// the old layout into its space, or (for a copied vault file) copying its secrets.
    pending: Arc<tokio::sync::Mutex<Option<keyring_space::Pending>>>,
    db_path: PathBuf,
    /// Keys expiring within this many milliseconds are `expiring`; shared by clones so a
    /// settings change reaches every reader.
    expiring_window_ms: Arc<AtomicI64>,
}

impl Vault {
    /// Opens (or creates) the vault in `home`, with secrets in the OS keyring.
    pub async fn open(home: &Path) -> Result<Self> {
        Self::open_with(home, Arc::new(crate::KeyringStore::new())).await
    }

    /// Opens the vault with its secrets in `store`.
    pub async fn open_with(home: &Path, store: Arc<dyn SecretStore>) -> Result<Self> {
        let (pool, db_path, created) = open::open_pool(home).await?;
        let identity = keyring_space::identify(&pool, &db_path, created).await?;
        Ok(Vault {
            store,
            space: Space::Vault(identity.vault_id),
            pending: Arc::new(tokio::sync::Mutex::new(identity.pending)),
            pool,
            db_path,
            expiring_window_ms: Arc::new(AtomicI64::new(
                Duration::days(DEFAULT_EXPIRING_WINDOW_DAYS).num_milliseconds(),
            )),
        })
    }

    /// Sets how close to its expiry a key counts as `expiring`.
    pub fn with_expiring_window(self, window: Duration) -> Self {
        self.set_expiring_window(window);
        self
    }

    /// Changes the warning window for this vault and every clone of it.
    pub fn set_expiring_window(&self, window: Duration) {
        self.expiring_window_ms
            .store(window.num_milliseconds(), Ordering::Relaxed);
    }

    /// The id that names this vault's space in the keyring (user `<vault id>/<item>`).
    pub fn vault_id(&self) -> &str {
        self.space.vault_id()
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Closes the database cleanly (checkpoints the WAL).
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Changes whenever a vault key is added, changed, used, revoked or deleted: a cheap
    /// way for a long-running reader (`keydeck serve`) to know its copy is current.
    pub async fn local_version(&self) -> Result<(i64, i64, i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT count(*), coalesce(max(updated_at), 0), coalesce(max(last_used_at), 0), \
             coalesce(sum(rowid), 0) FROM keys",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Changes a key's metadata (not its secret).
    pub async fn update(&self, id_or_name: &str, update: KeyUpdate) -> Result<KeyRecord> {
        let record = self.get_local(id_or_name, "edit").await?;
        let update = validate::update(update)?;
        let now = Utc::now();
        let mut changed = Vec::new();
        let mut sql = QueryBuilder::<Sqlite>::new("UPDATE keys SET updated_at = ");
        sql.push_bind(now.timestamp_millis());
        if let Some(name) = update.name {
            sql.push(", name_key = ")
                .push_bind(crate::text::sort_key(&name))
                .push(", name = ")
                .push_bind(name);
            changed.push("name");
        }
        if let Some(scopes) = update.scopes {
            sql.push(", scopes = ").push_bind(to_json(&scopes));
            changed.push("scopes");
        }
        if let Some(tags) = update.tags {
            sql.push(", tags = ").push_bind(to_json(&tags));
            changed.push("tags");
        }
        if let Some(env) = update.env {
            sql.push(", env = ").push_bind(env);
            changed.push("env");
        }
        if let Some(notes) = update.notes {
            sql.push(", notes = ").push_bind(notes);
            changed.push("notes");
        }
        if let Some(expires_at) = update.expires_at {
            sql.push(", expires_at = ")
                .push_bind(expires_at.map(|t| t.timestamp_millis()));
            changed.push("expires_at");
        }
        if changed.is_empty() {
            return Ok(record);
        }
        sql.push(" WHERE id = ").push_bind(record.id.clone());
        let mut tx = self.pool.begin().await?;
        sql.build()
            .execute(&mut *tx)
            .await
            .map_err(|e| name_conflict(e, &record.name))?;
        insert_event(
            &mut tx,
            &record.id,
            now,
            "updated",
            Some(changed.join(", ")),
        )
        .await?;
        tx.commit().await?;
        self.get(&record.id).await
    }

    /// Copies the database to `dest` with `VACUUM INTO` (a consistent snapshot, no secrets),
    /// into a new file only its owner can read.
    pub async fn backup(&self, dest: &Path) -> Result<u64> {
        let target = dest
            .to_str()
            .ok_or_else(|| Error::InvalidInput("the backup path must be UTF-8".into()))?;
        // VACUUM INTO fills an empty file it finds, keeping its mode.
        drop(open::private_file(dest)?);
        if let Err(err) = sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.pool)
            .await
        {
            let _ = std::fs::remove_file(dest);
            return Err(err.into());
        }
        Ok(std::fs::metadata(dest)?.len())
    }

    /// Runs a blocking call on this vault's space of the keyring, off the async runtime,
    /// after any keyring work the vault still owes (see `keyring_space`).
    async fn store_call<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Scoped<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.settle_keyring().await?;
        self.raw_store_call(call).await
    }

    async fn raw_store_call<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Scoped<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = Arc::clone(&self.store);
        let space = self.space.clone();
        tokio::task::spawn_blocking(move || {
            call(&Scoped {
                store: store.as_ref(),
                space: &space,
            })
        })
        .await
        .map_err(|e| Error::Keyring(format!("the keyring call did not finish: {e}")))?
    }

    /// Commits `tx`; if that fails, deletes the secrets just written (`items`) so no orphan
    /// is left behind.
    async fn commit_or_forget(
        &self,
        tx: sqlx::Transaction<'_, Sqlite>,
        items: &[String],
    ) -> Result<()> {
        if let Err(err) = tx.commit().await {
            self.forget_secrets(items.to_vec()).await;
            return Err(err.into());
        }
        Ok(())
    }

    /// Best-effort removal of secrets whose rows never made it.
    async fn forget_secrets(&self, items: Vec<String>) {
        let _ = self
            .store_call(move |store| {
                for item in &items {
                    let _ = store.delete(item);
                }
                Ok(())
            })
            .await;
    }
}

/// The keyring as one vault sees it: its own space only.
pub(crate) struct Scoped<'a> {
    store: &'a dyn SecretStore,
    space: &'a Space,
}

impl Scoped<'_> {
    fn set(&self, item: &str, secret: &Secret) -> Result<()> {
        self.store.set(self.space, item, secret)
    }

    fn get(&self, item: &str) -> Result<Option<Secret>> {
        self.store.get(self.space, item)
    }

    fn delete(&self, item: &str) -> Result<bool> {
        self.store.delete(self.space, item)
    }

    fn list(&self) -> Result<Option<Vec<String>>> {
        self.store.list(self.space)
    }

    fn add_many(&self, items: &[(String, Secret)], stored: &mut dyn FnMut(usize)) -> Result<()> {
        self.store.add_many(self.space, items, stored)
    }
}

async fn insert_row(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    id: &str,
    new: &NewKey,
    mask: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO keys (id, name, name_key, mask, scopes, tags, env, notes, created_at, updated_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(&new.name)
    .bind(crate::text::sort_key(&new.name))
    .bind(mask)
    .bind(to_json(&new.scopes))
    .bind(to_json(&new.tags))
    .bind(&new.env)
    .bind(&new.notes)
    .bind(now.timestamp_millis())
    .bind(now.timestamp_millis())
    .bind(new.expires_at.map(|t| t.timestamp_millis()))
    .execute(&mut **tx)
    .await
    .map_err(|e| name_conflict(e, &new.name))?;
    Ok(())
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    id: &str,
    at: DateTime<Utc>,
    kind: &str,
    detail: Option<String>,
) -> Result<()> {
    sqlx::query("INSERT INTO key_events (key_id, at, kind, detail) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(at.timestamp_millis())
        .bind(kind)
        .bind(detail)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A UNIQUE violation on `keys.name` is a duplicate name, not a database failure.
fn name_conflict(err: sqlx::Error, name: &str) -> Error {
    match &err {
        sqlx::Error::Database(db) if db.message().contains("keys.name") => {
            Error::DuplicateName(name.to_string())
        }
        _ => err.into(),
    }
}

fn to_json(items: &[String]) -> String {
    serde_json::to_string(items).expect("a list of strings always serializes")
}

fn from_ms(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| Error::Database(format!("a stored time ({ms}) is out of range")))
}

#[cfg(test)]
mod tests;
