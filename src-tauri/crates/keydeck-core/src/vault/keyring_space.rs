//! One keyring space per vault file. Items live under user `<vault id>/<item>`; this module
//! keeps that true for vaults written before spaces existed (their items are moved in) and
//! for vault files copied beside their original (the copy gets a new id and its own copies
//! of the secrets it needs, so neither file can overwrite or delete the other's).
//!
//! The work is done before the vault's first keyring call, under SQLite's write lock so
//! only one keydeck process does it; every step can be repeated, so a process killed in the
//! middle loses nothing: an item is deleted from its old place only after it is stored in
//! its new one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use sqlx::{SqliteConnection, SqlitePool};

use super::Vault;
use crate::secret_store::{item, SecretStore, Space};
use crate::{Error, Result};

/// The keyring layout of this keydeck: one space per vault.
const LAYOUT: &str = "2";

/// Keyring work a vault owes before it may use the keyring.
#[derive(Debug, Clone)]
pub(super) enum Pending {
    /// Move this vault's items of the old shared layout into its space.
    Migrate,
    /// This file is a copy of the vault whose items are in `from`: copy the secrets its
    /// rows need into its own new space (the original's items stay untouched).
    Fork { from: Space },
}

pub(super) struct Identity {
    /// The id this vault's space has (for a copy: its new id, even before the copy is done).
    pub vault_id: String,
    pub pending: Option<Pending>,
}

/// Which file a vault is: device and inode where there are such things (a copy has other
/// ones; a rename keeps them), and where it was.
struct FileId {
    id: String,
    path: String,
}

impl FileId {
    fn of(path: &Path) -> Result<FileId> {
        let canonical = std::fs::canonicalize(path)?;
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(&canonical)?;
            format!("{}:{}", meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let id = canonical.display().to_string();
        Ok(FileId {
            id,
            path: canonical.display().to_string(),
        })
    }
}

async fn read_meta(conn: &mut SqliteConnection) -> Result<HashMap<String, String>> {
    Ok(sqlx::query_as("SELECT key, value FROM vault_meta")
        .fetch_all(conn)
        .await?
        .into_iter()
        .collect())
}

async fn set_meta(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query("INSERT OR REPLACE INTO vault_meta (key, value) VALUES (?, ?)")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

async fn record_file(conn: &mut SqliteConnection, file: &FileId) -> Result<()> {
    set_meta(&mut *conn, "file_id", &file.id).await?;
    set_meta(conn, "file_path", &file.path).await
}

fn vault_id_of(meta: &HashMap<String, String>) -> Result<String> {
    meta.get("vault_id")
        .cloned()
        .ok_or_else(|| Error::Database("the vault has no id (vault_meta.vault_id)".into()))
}

/// Works out which vault this file is and what keyring work it owes. Writes only small
/// facts to `vault_meta`; never touches the keyring.
pub(super) async fn identify(pool: &SqlitePool, db_path: &Path, created: bool) -> Result<Identity> {
    let mut conn = pool.acquire().await?;
    let here = FileId::of(db_path)?;
    if created {
        set_meta(&mut conn, "keyring_layout", LAYOUT).await?;
        record_file(&mut conn, &here).await?;
    }
    let meta = read_meta(&mut conn).await?;
    let vault_id = vault_id_of(&meta)?;
    let from = if meta.get("keyring_layout").map(String::as_str) == Some(LAYOUT) {
        Space::Vault(vault_id.clone())
    } else {
        Space::Legacy(vault_id.clone())
    };
    let fork = |to: String| Identity {
        vault_id: to,
        pending: Some(Pending::Fork { from: from.clone() }),
    };
    if let Some(to) = meta.get("fork_to") {
        return Ok(fork(to.clone()));
    }
    match meta.get("file_id") {
        Some(stored) if *stored == here.id => {}
        Some(stored) if original_still_there(meta.get("file_path"), stored, &vault_id).await => {
            // Two processes may find this at once: the first id written is the one.
            let new_id = uuid::Uuid::new_v4().simple().to_string();
            sqlx::query("INSERT OR IGNORE INTO vault_meta (key, value) VALUES ('fork_to', ?)")
                .bind(&new_id)
                .execute(&mut *conn)
                .await?;
            let to: String =
                sqlx::query_scalar("SELECT value FROM vault_meta WHERE key = 'fork_to'")
                    .fetch_one(&mut *conn)
                    .await?;
            return Ok(fork(to));
        }
        // First seen by this check, moved, or restored over its original: it is the vault.
        _ => record_file(&mut conn, &here).await?,
    }
    let pending = matches!(from, Space::Legacy(_)).then_some(Pending::Migrate);
    Ok(Identity { vault_id, pending })
}

/// Whether the file this vault was last opened as still exists as that same vault.
async fn original_still_there(path: Option<&String>, stored: &str, vault_id: &str) -> bool {
    let Some(path) = path.map(Path::new).filter(|p| p.exists()) else {
        return false;
    };
    if FileId::of(path).map(|f| f.id).ok().as_deref() != Some(stored) {
        return false;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    let Ok(mut conn) = sqlx::ConnectOptions::connect(&options).await else {
        return false;
    };
    let theirs: Option<String> =
        sqlx::query_scalar("SELECT value FROM vault_meta WHERE key = 'vault_id'")
            .fetch_optional(&mut conn)
            .await
            .ok()
            .flatten();
    theirs.as_deref() == Some(vault_id)
}

/// A secret the vault's rows say it holds: its item now, and its name in the old layout.
pub(super) struct Expected {
    pub item: String,
    pub legacy: String,
}

/// Every secret the vault expects in the keyring: unrevoked vault keys, source
/// credentials, full keys of remote listings.
pub(super) async fn expected_items(conn: &mut SqliteConnection) -> Result<Vec<Expected>> {
    let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT 'key', id, NULL, secret_rev FROM keys WHERE revoked_at IS NULL \
         UNION ALL SELECT 'credential', name, NULL, 0 FROM sources \
         UNION ALL SELECT 'remote key', source, id, 0 FROM remote_keys WHERE has_secret",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, a, b, rev)| match (kind.as_str(), b) {
            ("key", _) => Expected {
                item: item::key(&a, rev),
                legacy: a,
            },
            ("credential", _) => Expected {
                item: item::credential(&a),
                legacy: format!("source:{a}"),
            },
            (_, id) => {
                let id = id.unwrap_or_default();
                Expected {
                    item: item::remote_key(&a, &id),
                    legacy: format!("remote:{a}:{id}"),
                }
            }
        })
        .collect())
}

impl Vault {
    /// Does the keyring work this vault owes, once. Until it succeeds (the keyring may be
    /// locked), every keyring call of this vault fails with why.
    pub(super) async fn settle_keyring(&self) -> Result<()> {
        let mut pending = self.pending.lock().await;
        let Some(work) = pending.clone() else {
            return Ok(());
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let meta = read_meta(&mut tx).await?;
        let done = match &work {
            Pending::Migrate => meta.get("keyring_layout").map(String::as_str) == Some(LAYOUT),
            Pending::Fork { .. } => !meta.contains_key("fork_to"),
        };
        if !done {
            let expected = expected_items(&mut tx).await?;
            let (from, moves, delete) = match work {
                Pending::Migrate => {
                    let legacy = Space::Legacy(self.vault_id().to_string());
                    (legacy, None, true)
                }
                Pending::Fork { from } => {
                    let moves = expected
                        .into_iter()
                        .map(|e| match from {
                            Space::Legacy(_) => (e.legacy, e.item),
                            Space::Vault(_) => (e.item.clone(), e.item),
                        })
                        .collect();
                    (from, Some(moves), false)
                }
            };
            let store = Arc::clone(&self.store);
            let to = self.space.clone();
            let fallback = self.legacy_fallback(&mut tx).await?;
            tokio::task::spawn_blocking(move || {
                let moves = match moves {
                    Some(moves) => moves,
                    // The old layout's items, found by their vault tag where the keyring can
                    // be searched (orphans move too), else the ones the rows name.
                    None => match store.list(&from)? {
                        Some(users) => users
                            .into_iter()
                            .map(|u| (u.clone(), item::from_legacy(&u)))
                            .collect(),
                        None => fallback,
                    },
                };
                copy_items(store.as_ref(), &from, &to, &moves, delete)
            })
            .await
            .map_err(|e| Error::Keyring(format!("moving secrets did not finish: {e}")))??;
            set_meta(&mut tx, "vault_id", self.vault_id()).await?;
            set_meta(&mut tx, "keyring_layout", LAYOUT).await?;
            sqlx::query("DELETE FROM vault_meta WHERE key = 'fork_to'")
                .execute(&mut *tx)
                .await?;
            record_file(&mut tx, &FileId::of(&self.db_path)?).await?;
        }
        tx.commit().await?;
        *pending = None;
        Ok(())
    }

    /// The old layout's items the rows name, for keyrings that cannot be searched.
    async fn legacy_fallback(&self, conn: &mut SqliteConnection) -> Result<Vec<(String, String)>> {
        Ok(expected_items(conn)
            .await?
            .into_iter()
            .map(|e| (e.legacy, e.item))
            .collect())
    }
}

/// Copies each `(old, new)` item from one space to another, deleting the old one after the
/// new one is stored when `delete` is set. Safe to repeat after an interruption.
fn copy_items(
    store: &dyn SecretStore,
    from: &Space,
    to: &Space,
    moves: &[(String, String)],
    delete: bool,
) -> Result<()> {
    for (old, new) in moves {
        if let Some(secret) = store.get(from, old)? {
            store.set(to, new, &secret)?;
        }
        if delete {
            store.delete(from, old)?;
        }
    }
    Ok(())
}
