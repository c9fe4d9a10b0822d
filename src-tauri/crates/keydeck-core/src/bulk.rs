//! Operations on many keys at once (revoke a selection, or every key a filter matches): each
//! key goes through the same path as on its own, one at a time, and one key's failure is
//! its own result while the others go on. A key is never left half done: each single
//! operation is all or nothing.

use serde::Serialize;
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::model::KeyRef;
use crate::{KeyRecord, KeyStatus, Keydeck, ListQuery, Result};

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
        let mut report = BulkReport {
            done: 0,
            failed: 0,
            keys: Vec::with_capacity(keys.len()),
        };
        for (n, target) in keys.iter().enumerate() {
            let revoked = self
                .revoke(Some(&target.source), &target.id, reason.clone())
                .await;
            let (name, error) = match revoked {
                Ok(revoked) => (revoked.name().to_string(), None),
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
}
