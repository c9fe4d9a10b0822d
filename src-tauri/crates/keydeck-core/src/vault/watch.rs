//! Noticing that something else changed the vault (the CLI, a second keydeck, a sync in a
//! terminal) without reloading it: SQLite's `data_version` moves exactly when another
//! connection commits, and reading it costs one integer.

use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::Vault;
use crate::Result;

/// A connection of its own that watches the vault's file. Commits through the vault's pool
/// count as changes too: they are other connections to the same file.
pub struct VaultWatch {
    connection: SqliteConnection,
    seen: i64,
}

impl VaultWatch {
    /// Whether the vault changed since the last call (or since [`Vault::watch`]).
    pub async fn changed(&mut self) -> Result<bool> {
        let now = data_version(&mut self.connection).await?;
        let changed = now != self.seen;
        self.seen = now;
        Ok(changed)
    }

    pub async fn close(self) {
        let _ = self.connection.close().await;
    }
}

impl Vault {
    pub async fn watch(&self) -> Result<VaultWatch> {
        let mut connection = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&self.db_path)
            .connect()
            .await?;
        let seen = data_version(&mut connection).await?;
        Ok(VaultWatch { connection, seen })
    }
}

async fn data_version(connection: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(connection)
        .await?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::{MemoryStore, NewKey, Secret, SecretStore, Vault};

    #[tokio::test]
    async fn a_commit_from_another_process_or_pool_is_noticed_once() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
        let window = Vault::open_with(dir.path(), Arc::clone(&store))
            .await
            .unwrap();
        // A second open of the same file stands for the CLI: its own connections.
        let cli = Vault::open_with(dir.path(), store).await.unwrap();
        let mut watch = window.watch().await.unwrap();
        assert!(!watch.changed().await.unwrap(), "nothing happened yet");
        let _ = window.list(&Default::default()).await.unwrap();
        assert!(!watch.changed().await.unwrap(), "reading is not a change");
        let add = |name: &str| NewKey {
            name: name.into(),
            ..NewKey::default()
        };
        let secret = || Secret::new("kd_test_0123456789abcdef".into()).unwrap();
        cli.add(add("from-the-cli"), secret()).await.unwrap();
        assert!(watch.changed().await.unwrap(), "the CLI's add is a change");
        assert!(!watch.changed().await.unwrap(), "reported once");
        window.add(add("from-the-window"), secret()).await.unwrap();
        assert!(watch.changed().await.unwrap(), "the pool's own add too");
        watch.close().await;
    }
}
