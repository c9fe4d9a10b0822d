//! The keys copied last, for quick access and the tray: read from the history every copy
//! already writes (`copied` events of vault and remote keys), so nothing new is stored.

use super::Vault;
use crate::model::KeyStatus;
use crate::{KeyRecord, Result};

impl Vault {
    /// Up to `limit` keys, the most recently copied first; keys since revoked or deleted
    /// are left out (they cannot be copied again).
    pub async fn recent_copies(&self, limit: u32) -> Result<Vec<KeyRecord>> {
        let copied: Vec<(String, String)> = sqlx::query_as(
            "SELECT source, key_id FROM ( \
               SELECT 'local' AS source, key_id, max(at) AS at, max(seq) AS seq FROM key_events \
                 WHERE kind = 'copied' GROUP BY key_id \
               UNION ALL \
               SELECT source, key_id, max(at), max(seq) FROM remote_key_events \
                 WHERE kind = 'copied' GROUP BY source, key_id) \
             ORDER BY at DESC, seq DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut recent = Vec::new();
        for (source, id) in copied {
            if recent.len() >= limit as usize {
                break;
            }
            match self.key_by_id(&source, &id).await? {
                Some(key) if key.status != KeyStatus::Revoked => recent.push(key),
                _ => {}
            }
        }
        Ok(recent)
    }
}
