//! The operations that touch a key's secret: add, reveal, rotate, revoke, delete. Each is
//! ordered so that a crash at any moment keeps every write the user was told about: a new
//! secret is stored before the row that needs it commits (a crash leaves at most an orphan),
//! and an old secret is deleted only after the row that stopped needing it committed (a
//! crash leaves at most a secret `doctor --repair` deletes).

use chrono::Utc;

use super::{insert_event, insert_row, validate, Rotation, Vault};
use crate::mask::mask;
use crate::model::{Access, LOCAL_SOURCE};
use crate::remote::{RemoteError, RemoteErrorKind};
use crate::secret_store::item;
use crate::{Error, KeyRecord, KeyStatus, NewKey, Result, Secret};

impl Vault {
    /// Adds a key: the row and the secret, both or neither.
    pub async fn add(&self, new: NewKey, secret: Secret) -> Result<KeyRecord> {
        let new = validate::new_key(new)?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = Utc::now();
        let mut tx = self.pool.begin().await?;
        insert_row(&mut tx, &id, &new, &mask(secret.expose()), now).await?;
        insert_event(&mut tx, &id, now, "created", None).await?;
        let secret_item = item::key(&id, 0);
        self.store_call(move |store| store.set(&secret_item, &secret))
            .await?;
        self.commit_or_forget(tx, &[item::key(&id, 0)]).await?;
        self.get(&id).await
    }

    /// The secret of one key (vault or remote), for a reveal in the CLI.
    pub async fn reveal(&self, id_or_name: &str) -> Result<(KeyRecord, Secret)> {
        self.reveal_key(self.get(id_or_name).await?, Access::cli_reveal())
            .await
    }

    /// The secret of a key already found (of any source), written to its history as
    /// `access` says (revealed or copied, from the CLI or the window).
    pub async fn reveal_key(
        &self,
        record: KeyRecord,
        access: Access,
    ) -> Result<(KeyRecord, Secret)> {
        if record.source != LOCAL_SOURCE {
            return self.reveal_remote(record, access).await;
        }
        if record.status == KeyStatus::Revoked {
            return Err(Error::KeyRevoked(record.name));
        }
        let secret_item = self.key_item(&record.id).await?;
        let secret = self
            .store_call(move |store| store.get(&secret_item))
            .await?
            .ok_or_else(|| Error::SecretMissing(record.name.clone()))?;
        let now = Utc::now();
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE keys SET last_used_at = ? WHERE id = ?")
            .bind(now.timestamp_millis())
            .bind(&record.id)
            .execute(&mut *tx)
            .await?;
        insert_event(
            &mut tx,
            &record.id,
            now,
            access.kind(),
            Some(access.detail()),
        )
        .await?;
        tx.commit().await?;
        Ok((self.get(&record.id).await?, secret))
    }

    /// The full key a source returned, from the keyring.
    async fn reveal_remote(
        &self,
        record: KeyRecord,
        access: Access,
    ) -> Result<(KeyRecord, Secret)> {
        let has_secret: bool =
            sqlx::query_scalar("SELECT has_secret FROM remote_keys WHERE source = ? AND id = ?")
                .bind(&record.source)
                .bind(&record.id)
                .fetch_one(&self.pool)
                .await?;
        if !has_secret {
            return Err(RemoteError::new(
                &record.source,
                RemoteErrorKind::NoFullKeys,
                format!(
                    "its dialect does not return full keys, so keydeck has no secret for `{}`",
                    record.name
                ),
            )
            .into());
        }
        if record.status == KeyStatus::Revoked {
            return Err(Error::KeyRevoked(record.name));
        }
        let secret_item = item::remote_key(&record.source, &record.id);
        let secret = self
            .store_call(move |store| store.get(&secret_item))
            .await?
            .ok_or_else(|| Error::SecretMissing(record.name.clone()))?;
        sqlx::query(
            "INSERT INTO remote_key_events (source, key_id, at, kind, detail) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&record.source)
        .bind(&record.id)
        .bind(Utc::now().timestamp_millis())
        .bind(access.kind())
        .bind(access.detail())
        .execute(&self.pool)
        .await?;
        Ok((record, secret))
    }

    /// The secrets of several vault keys at once, without recording a use (for `keydeck
    /// serve`, whose dialects 001 and 004 return full keys). Keys without one are left out.
    pub async fn secrets_of(
        &self,
        ids: Vec<String>,
    ) -> Result<std::collections::HashMap<String, Secret>> {
        let revisions = self.key_items().await?;
        self.store_call(move |store| {
            let mut found = std::collections::HashMap::new();
            for id in ids {
                let Some(secret_item) = revisions.get(&id) else {
                    continue;
                };
                if let Some(secret) = store.get(secret_item)? {
                    found.insert(id, secret);
                }
            }
            Ok(found)
        })
        .await
    }

    /// Replaces a key's secret, keeping its id. The new secret goes under a new item and
    /// the row switches to it in one commit, so a crash keeps the old secret or the new one.
    /// `rotation` may keep the old secret as "previous" for a while, and set a new expiry.
    pub async fn rotate(
        &self,
        id_or_name: &str,
        secret: Secret,
        rotation: Rotation,
    ) -> Result<KeyRecord> {
        rotation.validate()?;
        let record = self.get_local(id_or_name, "rotate").await?;
        if record.status == KeyStatus::Revoked {
            return Err(Error::KeyRevoked(record.name));
        }
        let revisions = self.revisions(&record.id).await?;
        let rev = revisions.current;
        let (old_item, new_item) = (item::key(&record.id, rev), item::key(&record.id, rev + 1));
        let now = Utc::now();
        let kept_until = rotation.keep_previous.map(|keep| now + keep);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE keys SET mask = ?, updated_at = ?, secret_rev = ?, previous_rev = ?, \
             previous_until = ? WHERE id = ?",
        )
        .bind(mask(secret.expose()))
        .bind(now.timestamp_millis())
        .bind(rev + 1)
        .bind(kept_until.map(|_| rev))
        .bind(kept_until.map(|until| until.timestamp_millis()))
        .bind(&record.id)
        .execute(&mut *tx)
        .await?;
        if let Some(expires_at) = rotation.expires_at {
            sqlx::query("UPDATE keys SET expires_at = ? WHERE id = ?")
                .bind(expires_at.map(|at| at.timestamp_millis()))
                .bind(&record.id)
                .execute(&mut *tx)
                .await?;
        }
        let detail = kept_until.map(|until| {
            format!(
                "previous secret kept until {}",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )
        });
        insert_event(&mut tx, &record.id, now, "rotated", detail).await?;
        let stored = new_item.clone();
        self.store_call(move |store| store.set(&stored, &secret))
            .await?;
        self.commit_or_forget(tx, &[new_item]).await?;
        // What is nothing's now: the old secret unless kept, and the one kept before. If this
        // fails, `doctor --repair` deletes them.
        let mut unused: Vec<String> = revisions
            .previous
            .map(|previous| item::key(&record.id, previous))
            .into_iter()
            .collect();
        if kept_until.is_none() {
            unused.push(old_item);
        }
        self.forget_secrets(unused).await;
        self.get(&record.id).await
    }

    /// Revokes a key: keeps the row (with when and why) and deletes the secret.
    pub async fn revoke(&self, id_or_name: &str, reason: Option<String>) -> Result<KeyRecord> {
        let record = self
            .get_local(
                id_or_name,
                "revoke here (remote keys: `Vault::revoke_remote`)",
            )
            .await?;
        if record.status == KeyStatus::Revoked {
            return Ok(record);
        }
        let reason = validate::optional_text("reason", reason, validate::MAX_NOTES_CHARS)?;
        let secret_item = self.key_item(&record.id).await?;
        self.check_keyring(&secret_item).await?;
        let mut items = vec![secret_item];
        items.extend(self.previous_item(&record.id).await?);
        let now = Utc::now();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE keys SET revoked_at = ?, revoke_reason = ?, updated_at = ?, \
             previous_rev = NULL, previous_until = NULL WHERE id = ?",
        )
        .bind(now.timestamp_millis())
        .bind(&reason)
        .bind(now.timestamp_millis())
        .bind(&record.id)
        .execute(&mut *tx)
        .await?;
        insert_event(&mut tx, &record.id, now, "revoked", reason).await?;
        tx.commit().await?;
        self.delete_after_commit(&record.name, "revoked", items)
            .await?;
        self.get(&record.id).await
    }

    /// Deletes a key's row and its secret.
    pub async fn delete(&self, id_or_name: &str) -> Result<KeyRecord> {
        let record = self.get_local(id_or_name, "delete").await?;
        let secret_item = self.key_item(&record.id).await?;
        self.check_keyring(&secret_item).await?;
        let mut items = vec![secret_item];
        items.extend(self.previous_item(&record.id).await?);
        sqlx::query("DELETE FROM keys WHERE id = ?")
            .bind(&record.id)
            .execute(&self.pool)
            .await?;
        self.delete_after_commit(&record.name, "deleted", items)
            .await?;
        Ok(record)
    }

    /// The keyring user (service `keydeck`) that holds the current secret of `record`, for
    /// people who look with `secret-tool`; `None` for a remote key keydeck holds no secret of.
    pub async fn keyring_user(&self, record: &KeyRecord) -> Result<Option<String>> {
        let secret_item = if record.source == LOCAL_SOURCE {
            self.key_item(&record.id).await?
        } else {
            let has_secret: Option<bool> = sqlx::query_scalar(
                "SELECT has_secret FROM remote_keys WHERE source = ? AND id = ?",
            )
            .bind(&record.source)
            .bind(&record.id)
            .fetch_optional(&self.pool)
            .await?;
            if has_secret != Some(true) {
                return Ok(None);
            }
            item::remote_key(&record.source, &record.id)
        };
        Ok(Some(self.space.user(&secret_item)))
    }

    /// The keyring item that holds the current secret of vault key `id`.
    async fn key_item(&self, id: &str) -> Result<String> {
        let rev: i64 = sqlx::query_scalar("SELECT secret_rev FROM keys WHERE id = ?")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        Ok(item::key(id, rev))
    }

    /// The current item of every vault key, by key id.
    pub(super) async fn key_items(&self) -> Result<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT id, secret_rev FROM keys")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, rev)| {
                let secret_item = item::key(&id, rev);
                (id, secret_item)
            })
            .collect())
    }

    /// Fails now, before anything changes, when the keyring cannot be used (locked,
    /// absent), so that a revoke or delete is not half done. Reads `probe`, which asks for
    /// an unlock where the keyring is locked (a search would not).
    pub(super) async fn check_keyring(&self, probe: &str) -> Result<()> {
        let probe = probe.to_string();
        self.store_call(move |store| store.get(&probe).map(drop))
            .await
    }

    /// Deletes secrets the committed rows no longer need. A failure here leaves them for
    /// `doctor --repair`, and says so.
    pub(super) async fn delete_after_commit(
        &self,
        what: &str,
        done: &str,
        items: Vec<String>,
    ) -> Result<()> {
        let outcome = self
            .store_call(move |store| {
                for secret_item in &items {
                    store.delete(secret_item)?;
                }
                Ok(())
            })
            .await;
        outcome.map_err(|err| {
            Error::Keyring(format!(
                "`{what}` is {done}, but the keyring did not delete its secret ({err}); \
                 repairing the vault deletes it"
            ))
        })
    }
}
