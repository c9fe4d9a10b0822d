//! Operations on many keys at once (revoke, delete or tag a selection, or revoke every key a
//! filter matches): each key goes through the same path as on its own, one at a time, and
//! one key's failure is its own result while the others go on. A key is never left half
//! done: each single operation is all or nothing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::model::{KeyRef, KeyUpdate, LOCAL_SOURCE};
use crate::{Error, KeyRecord, KeyStatus, Keydeck, ListQuery, Result};

/// What to do to each key of a selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkAction {
    /// Each through its own source's path, with one reason for the history.
    Revoke {
        reason: Option<String>,
    },
    /// Vault keys only: a remote key is its server's to remove.
    Delete,
    /// Vault keys only (a remote key's tags are what its server lists).
    AddTag {
        tag: String,
    },
    RemoveTag {
        tag: String,
    },
}

/// What a bulk operation did to one key.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KeyOutcome {
    pub source: String,
    pub id: String,
    pub name: String,
    /// Why this key was not done; `None` when it was.
    pub error: Option<ErrorBody>,
}

/// A bulk operation's results, key by key, in the order they were done.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BulkReport {
    pub done: u32,
    pub failed: u32,
    pub keys: Vec<KeyOutcome>,
}

/// Told `(keys done so far, keys in all)` after each key.
pub type OnBulkProgress<'a> = &'a mut (dyn FnMut(usize, usize) + Send);

impl Keydeck {
    /// The keys a filter matches that a revoke would change (not those revoked already).
    pub async fn revocable(&self, query: &ListQuery) -> Result<Vec<KeyRecord>> {
        let keys = self.vault().list(query).await?;
        Ok(keys
            .into_iter()
            .filter(|k| k.status != KeyStatus::Revoked)
            .collect())
    }

    /// Revokes each key with one reason, each through its own source's path (see
    /// [`Keydeck::revoke`]).
    pub async fn revoke_each(
        &self,
        keys: &[KeyRef],
        reason: Option<String>,
        progress: OnBulkProgress<'_>,
    ) -> BulkReport {
        self.apply_each(keys, &BulkAction::Revoke { reason }, progress)
            .await
    }

    /// Does `action` to each key in turn; a key that fails says why and the rest go on.
    pub async fn apply_each(
        &self,
        keys: &[KeyRef],
        action: &BulkAction,
        progress: OnBulkProgress<'_>,
    ) -> BulkReport {
        let mut report = BulkReport {
            done: 0,
            failed: 0,
            keys: Vec::with_capacity(keys.len()),
        };
        for (n, target) in keys.iter().enumerate() {
            let (name, error) = match self.apply(target, action).await {
                Ok(name) => (name, None),
                Err(err) => {
                    let key = self.vault().key_by_id(&target.source, &target.id).await;
                    let name = key
                        .ok()
                        .flatten()
                        .map_or_else(|| target.id.clone(), |k| k.name);
                    (name, Some(ErrorBody::from(&err)))
                }
            };
            match error {
                None => report.done += 1,
                Some(_) => report.failed += 1,
            }
            report.keys.push(KeyOutcome {
                source: target.source.clone(),
                id: target.id.clone(),
                name,
                error,
            });
            progress(n + 1, keys.len());
        }
        report
    }

    /// One key's share of a bulk action; answers the key's name.
    async fn apply(&self, target: &KeyRef, action: &BulkAction) -> Result<String> {
        let vault = self.vault();
        if let BulkAction::Revoke { reason } = action {
            let revoked = self
                .revoke(Some(&target.source), &target.id, reason.clone())
                .await?;
            return Ok(revoked.name().to_string());
        }
        if target.source != LOCAL_SOURCE {
            return Err(Error::InvalidInput(format!(
                "this key is listed by the source `{}`: keydeck can revoke it, but only its \
                 server can {}",
                target.source,
                if *action == BulkAction::Delete {
                    "delete it"
                } else {
                    "change its tags"
                }
            )));
        }
        let (tag, add) = match action {
            BulkAction::Delete => return Ok(vault.delete(&target.id).await?.name),
            BulkAction::AddTag { tag } => (tag, true),
            BulkAction::RemoveTag { tag } => (tag, false),
            BulkAction::Revoke { .. } => unreachable!("handled above"),
        };
        let key = vault.find(Some(LOCAL_SOURCE), &target.id).await?;
        let tag = tag.trim();
        let has = key.tags.iter().any(|t| t == tag);
        if has == add {
            return Ok(key.name); // already as asked: nothing to write
        }
        let tags = if add {
            key.tags.iter().cloned().chain([tag.to_string()]).collect()
        } else {
            key.tags.into_iter().filter(|t| t != tag).collect()
        };
        let update = KeyUpdate {
            tags: Some(tags),
            ..KeyUpdate::default()
        };
        Ok(vault.update(&target.id, update).await?.name)
    }
}
