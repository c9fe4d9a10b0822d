//! The local vault: key metadata in SQLite, secrets in a [`SecretStore`].
//!
//! Every write that touches both goes row-then-secret inside one SQLite transaction that is
//! committed only after the keyring accepted the secret, so a failed keyring write leaves no
//! row and a crash can leave at most a secret without a row (which `doctor` explains and
//! removes). Listing reads SQLite only.

mod doctor;
mod exchange;
mod keyring_space;
mod open;
mod secrets;
mod sources;
mod validate;

pub use doctor::{DoctorReport, KeyringHealth};
pub use exchange::{ImportPlan, OnDuplicate};
pub use open::private_file;
pub use sources::{RemoteRevoke, SourceInfo, SourceSpec, SyncReport};

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::model::KeyPage;
use crate::model::Unable;
use crate::model::LOCAL_SOURCE;
use crate::remote::DialectId;
use crate::secret_store::Space;
use crate::{
    Error, KeyDetail, KeyEvent, KeyRecord, KeyUpdate, ListQuery, NewKey, Result, Secret,
    SecretStore,
};

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

/// A history event as stored: when (ms), what, detail.
type EventRow = (i64, String, Option<String>);

/// A row of the `all_keys` view as SQLite returns it, with the status derived in SQL.
#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    name: String,
    mask: String,
    scopes: String,
    tags: String,
    env: Option<String>,
    source: String,
    owner: Option<String>,
    details: String,
    created_at: Option<i64>,
    updated_at: Option<i64>,
    last_used_at: Option<i64>,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    revoke_reason: Option<String>,
    status: String,
    has_secret: bool,
    has_revoke_request: bool,
    dialect: Option<String>,
}

/// Starts a query (`head`: `SELECT *` or `SELECT count(*)`) over keys with their derived
/// status (`expiring` up to `window_end`). Filters go after it, on the subquery `k`, so they
/// can use `status`.
fn select_keys(
    head: &str,
    now: DateTime<Utc>,
    window_end: DateTime<Utc>,
) -> QueryBuilder<'static, Sqlite> {
    let mut sql = QueryBuilder::new(head);
    sql.push(
        " FROM (SELECT id, name, mask, scopes, tags, env, source, owner, details, \
         created_at, updated_at, last_used_at, expires_at, revoked_at, revoke_reason, \
         has_secret, has_revoke_request, dialect, \
         CASE WHEN revoked THEN 'revoked' \
              WHEN NOT status_known THEN 'unknown' \
              WHEN expires_at IS NOT NULL AND expires_at <= ",
    )
    .push_bind(now.timestamp_millis())
    .push(" THEN 'expired' WHEN expires_at IS NOT NULL AND expires_at <= ")
    .push_bind(window_end.timestamp_millis())
    .push(" THEN 'expiring' ELSE 'active' END AS status FROM all_keys) AS k WHERE 1=1");
    sql
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

    fn select_keys(&self, head: &str) -> QueryBuilder<'static, Sqlite> {
        let now = Utc::now();
        let window = Duration::milliseconds(self.expiring_window_ms.load(Ordering::Relaxed));
        select_keys(head, now, now + window)
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

    /// Lists keys; a search and filters narrow it, all in SQL. Never touches the keyring.
    pub async fn list(&self, query: &ListQuery) -> Result<Vec<KeyRecord>> {
        let mut sql = self.select_keys("SELECT *");
        push_filters(&mut sql, query);
        push_order(&mut sql, query);
        let rows: Vec<KeyRow> = sql.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(KeyRecord::try_from).collect()
    }

    /// One window of a listing, with how many keys match and how many the source holds:
    /// what a virtualized table asks for as it scrolls.
    pub async fn list_page(&self, query: &ListQuery, offset: u32, limit: u32) -> Result<KeyPage> {
        let mut count = self.select_keys("SELECT count(*)");
        push_filters(&mut count, query);
        let matching: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut total = self.select_keys("SELECT count(*)");
        push_filters(
            &mut total,
            &ListQuery {
                source: query.source.clone(),
                ..ListQuery::default()
            },
        );
        let total: i64 = total.build_query_scalar().fetch_one(&self.pool).await?;
        let mut page = self.select_keys("SELECT *");
        push_filters(&mut page, query);
        push_order(&mut page, query);
        page.push(" LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
        let rows: Vec<KeyRow> = page.build_query_as().fetch_all(&self.pool).await?;
        Ok(KeyPage {
            keys: rows
                .into_iter()
                .map(KeyRecord::try_from)
                .collect::<Result<_>>()?,
            offset,
            matching: matching as u32,
            total: total as u32,
        })
    }

    /// One key of any source by id, or by name (the vault's first, then an id over a name).
    pub async fn get(&self, id_or_name: &str) -> Result<KeyRecord> {
        self.find(None, id_or_name).await
    }

    /// One key of the local vault; a remote key of that name is refused, not touched.
    pub async fn get_local(&self, id_or_name: &str, verb: &str) -> Result<KeyRecord> {
        let record = self.get(id_or_name).await?;
        if record.source != LOCAL_SOURCE {
            return Err(Error::InvalidInput(format!(
                "`{id_or_name}` is a key of the remote source `{}`; keydeck can {verb} only keys of the local vault",
                record.source
            )));
        }
        Ok(record)
    }

    /// One key by id or name, in `source` or in any source. A name or id that several
    /// remote sources list (and the vault does not) is ambiguous: pick a source.
    pub async fn find(&self, source: Option<&str>, id_or_name: &str) -> Result<KeyRecord> {
        let mut sql = self.select_keys("SELECT *");
        if let Some(source) = source {
            sql.push(" AND source = ").push_bind(source.to_string());
        }
        sql.push(" AND (id = ")
            .push_bind(id_or_name.to_string())
            .push(" OR name = ")
            .push_bind(id_or_name.to_string())
            .push(") ORDER BY (source = 'local') DESC, (id = ")
            .push_bind(id_or_name.to_string())
            .push(") DESC, source LIMIT 2");
        let rows: Vec<KeyRow> = sql.build_query_as().fetch_all(&self.pool).await?;
        let mut found = rows
            .into_iter()
            .map(KeyRecord::try_from)
            .collect::<Result<Vec<_>>>()?;
        match found.len() {
            0 => Err(Error::NotFound(id_or_name.to_string())),
            2 if found[0].source != LOCAL_SOURCE && found[0].source != found[1].source => {
                Err(Error::Usage(format!(
                    "`{id_or_name}` matches keys of the sources `{}` and `{}`; name its source",
                    found[0].source, found[1].source
                )))
            }
            _ => Ok(found.swap_remove(0)),
        }
    }

    /// One key with its notes and history.
    pub async fn detail(&self, id_or_name: &str) -> Result<KeyDetail> {
        self.detail_of(self.get(id_or_name).await?).await
    }

    /// The notes and history of a key already found.
    pub async fn detail_of(&self, record: KeyRecord) -> Result<KeyDetail> {
        let (notes, events): (Option<String>, Vec<EventRow>) = if record.source == LOCAL_SOURCE {
            let notes = sqlx::query_scalar("SELECT notes FROM keys WHERE id = ?")
                .bind(&record.id)
                .fetch_one(&self.pool)
                .await?;
            let events = sqlx::query_as(
                "SELECT at, kind, detail FROM key_events WHERE key_id = ? ORDER BY seq",
            )
            .bind(&record.id)
            .fetch_all(&self.pool)
            .await?;
            (notes, events)
        } else {
            let events = sqlx::query_as(
                "SELECT at, kind, detail FROM remote_key_events \
                     WHERE source = ? AND key_id = ? ORDER BY seq",
            )
            .bind(&record.source)
            .bind(&record.id)
            .fetch_all(&self.pool)
            .await?;
            (None, events)
        };
        let history = events
            .into_iter()
            .map(|(at, kind, detail)| {
                Ok(KeyEvent {
                    at: from_ms(at)?,
                    kind,
                    detail,
                })
            })
            .collect::<Result<_>>()?;
        Ok(KeyDetail {
            record,
            notes,
            history,
        })
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
            sql.push(", name = ").push_bind(name);
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
}

async fn insert_row(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    id: &str,
    new: &NewKey,
    mask: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO keys (id, name, mask, scopes, tags, env, notes, created_at, updated_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(&new.name)
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

/// The search and filters of a listing, as SQL on the subquery `k`.
fn push_filters(sql: &mut QueryBuilder<'static, Sqlite>, query: &ListQuery) {
    if let Some(source) = &query.source {
        sql.push(" AND source = ").push_bind(source.clone());
    }
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{}%", escape_like(search));
        sql.push(" AND (name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR id LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(k.scopes) WHERE value LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\') OR EXISTS (SELECT 1 FROM json_each(k.tags) WHERE value LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\') OR owner LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(status) = query.status {
        sql.push(" AND status = ").push_bind(status.as_str());
    }
    if query.hide_inactive {
        sql.push(" AND status NOT IN ('revoked', 'expired')");
    }
    if let Some(scope) = &query.scope {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(k.scopes) WHERE value = ")
            .push_bind(scope.clone())
            .push(")");
    }
}

fn push_order(sql: &mut QueryBuilder<'static, Sqlite>, query: &ListQuery) {
    // A closed set of names, each the view's column of that name: never text from outside.
    let column = query.sort.as_str();
    let direction = if query.descending { "DESC" } else { "ASC" };
    // Unknown values sort last either way; name, source and id make the order stable.
    sql.push(format!(
        " ORDER BY ({column} IS NULL), {column} {direction}, name, source, id"
    ));
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn to_json(items: &[String]) -> String {
    serde_json::to_string(items).expect("a list of strings always serializes")
}

fn from_ms(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| Error::Database(format!("a stored time ({ms}) is out of range")))
}

impl TryFrom<KeyRow> for KeyRecord {
    type Error = Error;
    fn try_from(row: KeyRow) -> Result<Self> {
        let list = |column: &str, text: &str| {
            serde_json::from_str::<Vec<String>>(text)
                .map_err(|e| Error::Database(format!("column {column} of key {}: {e}", row.id)))
        };
        let details = serde_json::from_str(&row.details)
            .map_err(|e| Error::Database(format!("column details of key {}: {e}", row.id)))?;
        let dialect: Option<DialectId> = row.dialect.as_deref().map(str::parse).transpose()?;
        let revoked = row.status == "revoked";
        let (cannot_reveal, cannot_revoke) = match dialect {
            _ if revoked => (Some(Unable::Revoked), Some(Unable::Revoked)),
            Some(dialect) => (
                (!row.has_secret).then_some(Unable::NoFullKeys { dialect }),
                (!row.has_revoke_request).then_some(Unable::NoRevokeRequest { dialect }),
            ),
            None => (None, None),
        };
        Ok(KeyRecord {
            cannot_reveal,
            cannot_revoke,
            scopes: list("scopes", &row.scopes)?,
            tags: list("tags", &row.tags)?,
            status: row.status.parse()?,
            created_at: row.created_at.map(from_ms).transpose()?,
            updated_at: row.updated_at.map(from_ms).transpose()?,
            last_used_at: row.last_used_at.map(from_ms).transpose()?,
            expires_at: row.expires_at.map(from_ms).transpose()?,
            revoked_at: row.revoked_at.map(from_ms).transpose()?,
            id: row.id,
            name: row.name,
            mask: row.mask,
            env: row.env,
            source: row.source,
            revoke_reason: row.revoke_reason,
            owner: row.owner,
            details,
        })
    }
}

#[cfg(test)]
mod tests;
