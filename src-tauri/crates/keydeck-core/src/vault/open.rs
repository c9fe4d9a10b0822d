//! Opening the vault file: refuse what is not ours or is newer than we understand, then
//! migrate. A refused file is never written to.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection};

use crate::{Error, Result};

/// The database file inside the keydeck home.
pub const DB_FILE: &str = "vault.sqlite3";

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The newest schema version this build understands.
pub fn supported_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// How long a reader or writer waits for another connection's write to finish.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The pool over the vault file, its path, and whether the file was just created.
pub(super) async fn open_pool(home: &Path) -> Result<(SqlitePool, PathBuf, bool)> {
    create_private_dir(home)?;
    let path = home.join(DB_FILE);
    let existed = path.exists();
    if existed {
        check_existing(&path).await?;
    } else {
        // Made owner-only before SQLite writes a byte; its WAL and SHM files take the same
        // mode from it.
        private_file(&path)?;
    }
    owner_only(&path)?;
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a key the user was told is stored survives a power cut.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
        // 256 KiB of page cache per connection, not 2 MiB: the window keeps a pool of four
        // open, and the OS caches the file anyway (7 MiB less with 100,000 keys).
        .pragma("cache_size", "-256");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|e| not_a_vault(&path, e))?;
    MIGRATOR.run(&pool).await?;
    fill_name_keys(&pool).await?;
    Ok((pool, path, !existed))
}

/// Gives the names stored before migration 0008 their sort keys, in one transaction (a
/// lookup along the index, and nothing to do, once they have them).
async fn fill_name_keys(pool: &SqlitePool) -> Result<()> {
    for table in ["keys", "remote_keys"] {
        let names: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT rowid, name FROM {table} WHERE name_key IS NULL"
        ))
        .fetch_all(pool)
        .await?;
        if names.is_empty() {
            continue;
        }
        let mut tx = pool.begin().await?;
        for (rowid, name) in names {
            // A name changed since it was read has its key already: left as it is.
            sqlx::query(&format!(
                "UPDATE {table} SET name_key = ? WHERE rowid = ? AND name_key IS NULL"
            ))
            .bind(crate::text::sort_key(&name))
            .bind(rowid)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Reads the schema version of an existing file without changing it.
async fn check_existing(path: &Path) -> Result<()> {
    let options = SqliteConnectOptions::from_str("sqlite://")
        .map_err(|e| Error::Database(e.to_string()))?
        .filename(path)
        .read_only(true);
    let mut conn = options.connect().await.map_err(|e| not_a_vault(path, e))?;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut conn)
            .await
            .map_err(|e| not_a_vault(path, e))?;
    let has_migrations = tables.iter().any(|t| t == "_sqlx_migrations");
    if !has_migrations && !tables.is_empty() {
        return Err(Error::NotAVault {
            path: path.display().to_string(),
            reason: "it is an SQLite database of another program".into(),
        });
    }
    if has_migrations {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&mut conn)
                .await?;
        let supported = supported_schema_version();
        if let Some(found) = found.filter(|v| *v > supported) {
            return Err(Error::VaultTooNew {
                path: path.display().to_string(),
                found,
                supported,
            });
        }
    }
    conn.close().await?;
    Ok(())
}

fn not_a_vault(path: &Path, err: sqlx::Error) -> Error {
    match &err {
        sqlx::Error::Database(db) if db.message().contains("not a database") => Error::NotAVault {
            path: path.display().to_string(),
            reason: "it is not an SQLite database".into(),
        },
        _ => err.into(),
    }
}

/// Creates the home directory readable by its owner only, and refuses one that someone
/// else owns or could write to (they could swap the vault file under keydeck).
fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| {
        Error::Io(format!(
            "cannot create the keydeck data directory {}: {e}",
            dir.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::metadata(dir)?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(Error::InvalidInput(format!(
                "the keydeck data directory {} belongs to another user (uid {}); keydeck keeps \
                 its vault only in a directory of your own: choose another data directory \
                 (KEYDECK_HOME)",
                dir.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(Error::InvalidInput(format!(
                "the keydeck data directory {} can be written by other users; make it yours \
                 alone with `chmod 700 {}`, or choose another data directory",
                dir.display(),
                dir.display()
            )));
        }
        if meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Creates an empty file only its owner can read, refusing to replace one that exists.
pub fn private_file(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::InvalidInput(format!(
            "{} already exists; choose a new file name (keydeck never overwrites it)",
            path.display()
        )),
        _ => Error::Io(format!("cannot create {}: {e}", path.display())),
    })
}

/// Makes the vault file and its WAL and SHM files owner-only (vaults of older keydecks
/// were created with the umask's mode).
fn owner_only(db: &Path) -> Result<()> {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let file = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(meta) = std::fs::metadata(&file) {
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}
