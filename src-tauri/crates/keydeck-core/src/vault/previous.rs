//! Rotation with a grace period, as Unkey's reroll does: the old secret stays revealable as
//! "previous" for a while (clients still using it keep working), then it is deleted from the
//! keyring. The row says until when (`previous_until`); a lapsed previous is never revealed,
//! even before `forget_lapsed_previous` has deleted it.

use chrono::{DateTime, Duration, Utc};

use super::{from_ms, insert_event, Vault};
use crate::model::{Access, KeyStatus};
use crate::secret_store::item;
use crate::{Error, KeyRecord, Result, Secret};

/// The longest grace period: a previous secret is a bridge, not a second key.
pub const MAX_KEEP_PREVIOUS_DAYS: i64 = 30;

/// What a rotation does besides giving the key a new secret.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rotation {
    /// Keep the old secret revealable as "previous" this long (at most 30 days); `None`
    /// deletes it now (and any previous one still kept).
    pub keep_previous: Option<Duration>,
    /// A new expiry: `None` keeps the key's, `Some(None)` removes it.
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

impl Rotation {
    pub fn validate(&self) -> Result<()> {
        match self.keep_previous {
            Some(keep) if keep <= Duration::zero() || keep > Duration::days(MAX_KEEP_PREVIOUS_DAYS) => {
                Err(Error::InvalidInput(format!(
                    "the previous secret can be kept from a second up to {MAX_KEEP_PREVIOUS_DAYS} days"
                )))
            }
            _ => Ok(()),
        }
    }
}

/// A key's revision numbers: the current secret's, and the previous one's while kept.
pub(super) struct Revisions {
    pub current: i64,
    pub previous: Option<i64>,
    pub previous_until: Option<i64>,
}

impl Vault {
    pub(super) async fn revisions(&self, id: &str) -> Result<Revisions> {
        let (current, previous, previous_until): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT secret_rev, previous_rev, previous_until FROM keys WHERE id = ?",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(Revisions {
            current,
            previous,
            previous_until,
        })
    }

    /// Until when vault key `id` keeps a previous secret, if it still does.
    pub async fn previous_until(&self, id: &str) -> Result<Option<DateTime<Utc>>> {
        let revisions = self.revisions(id).await?;
        let now = Utc::now().timestamp_millis();
        match (revisions.previous, revisions.previous_until) {
            (Some(_), Some(until)) if until > now => Ok(Some(from_ms(until)?)),
            _ => Ok(None),
        }
    }

    /// The secret a key had before its last rotation, while its grace period lasts; written
    /// to the key's history like any reveal.
    pub async fn reveal_previous(
        &self,
        id_or_name: &str,
        access: Access,
    ) -> Result<(KeyRecord, Secret)> {
        let record = self
            .get_local(id_or_name, "keep a previous secret of")
            .await?;
        if record.status == KeyStatus::Revoked {
            return Err(Error::KeyRevoked(record.name));
        }
        let no_previous = || {
            Error::InvalidInput(format!(
                "`{}` keeps no previous secret: one is kept only after `rotate --keep-previous`, \
                 until its time is up",
                record.name
            ))
        };
        let revisions = self.revisions(&record.id).await?;
        let (Some(rev), Some(until)) = (revisions.previous, revisions.previous_until) else {
            return Err(no_previous());
        };
        if until <= Utc::now().timestamp_millis() {
            return Err(no_previous());
        }
        let previous_item = item::key(&record.id, rev);
        let secret = self
            .store_call(move |store| store.get(&previous_item))
            .await?
            .ok_or_else(|| Error::SecretMissing(format!("{} (previous)", record.name)))?;
        let mut tx = self.pool.begin().await?;
        let detail = format!("the previous secret, {}", access.detail());
        insert_event(&mut tx, &record.id, Utc::now(), access.kind(), Some(detail)).await?;
        tx.commit().await?;
        Ok((record, secret))
    }

    /// Deletes the previous secrets whose time is up: the rows first, then the keyring (what
    /// a failed delete leaves, `doctor --repair` removes as an orphan). Returns how many.
    pub async fn forget_lapsed_previous(&self) -> Result<usize> {
        let now = Utc::now().timestamp_millis();
        let mut tx = self.pool.begin().await?;
        let lapsed: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, previous_rev FROM keys \
             WHERE previous_until IS NOT NULL AND previous_until <= ?",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        if lapsed.is_empty() {
            return Ok(0);
        }
        sqlx::query(
            "UPDATE keys SET previous_rev = NULL, previous_until = NULL \
             WHERE previous_until IS NOT NULL AND previous_until <= ?",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let items: Vec<String> = lapsed.iter().map(|(id, rev)| item::key(id, *rev)).collect();
        let count = items.len();
        self.forget_secrets(items).await;
        Ok(count)
    }

    /// The item of vault key `id`'s previous secret, while one is kept.
    pub(super) async fn previous_item(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .revisions(id)
            .await?
            .previous
            .map(|rev| item::key(id, rev)))
    }

    /// The items of the previous secrets still kept (`doctor` does not call them orphans).
    pub(super) async fn previous_items(&self) -> Result<Vec<String>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT id, previous_rev FROM keys WHERE previous_rev IS NOT NULL")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.iter().map(|(id, rev)| item::key(id, *rev)).collect())
    }
}
