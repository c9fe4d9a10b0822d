//! Expiry notices: which keys, of every source, entered their warning window or expired
//! since keydeck last said so. Each key is told once per event and expiry date (a key given
//! a new date is told again); revoked keys never.

use chrono::Utc;
use serde::Serialize;

use super::listing::KeyRow;
use super::Vault;
use crate::{KeyRecord, KeyStatus, Result};

/// One key to tell the user about: its status now says which event (`expiring` or `expired`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpiryNotice {
    pub key: KeyRecord,
}

impl Vault {
    /// The keys due a notice, soonest expiry first, marked as told in the same transaction:
    /// two windows asking at once tell each key once between them.
    pub async fn take_expiry_notices(&self) -> Result<Vec<ExpiryNotice>> {
        let mut due = self.select_keys("SELECT *");
        due.push(
            " AND status IN ('expiring', 'expired') AND NOT EXISTS (SELECT 1 FROM expiry_notices \
             AS n WHERE n.source = k.source AND n.key_id = k.id AND n.event = k.status \
             AND n.expires_at = k.expires_at) ORDER BY expires_at, name, source, id",
        );
        // IMMEDIATE: the read and the marks are one step for every process on this vault.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows: Vec<KeyRow> = due.sqlx_as().fetch_all(&mut *tx).await?;
        let keys = rows
            .into_iter()
            .map(KeyRecord::try_from)
            .collect::<Result<Vec<_>>>()?;
        let now = Utc::now().timestamp_millis();
        for key in &keys {
            let expires_at = key.expires_at.map(|at| at.timestamp_millis());
            sqlx::query(
                "INSERT OR IGNORE INTO expiry_notices (source, key_id, event, expires_at, noticed_at) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&key.source)
            .bind(&key.id)
            .bind(key.status.as_str())
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(keys.into_iter().map(|key| ExpiryNotice { key }).collect())
    }
}

impl ExpiryNotice {
    /// The notification's title and body, for any desktop (names made inert: they come from
    /// outside and a notification server may render markup).
    pub fn words(notices: &[ExpiryNotice]) -> Option<(String, String)> {
        let name = |n: &ExpiryNotice| {
            let mut name = crate::text::inert_cut(&n.key.name, 60);
            for (from, to) in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")] {
                name = name.replace(from, to);
            }
            if n.key.source == crate::model::LOCAL_SOURCE {
                name
            } else {
                format!("{name} ({})", n.key.source)
            }
        };
        let (expired, expiring): (Vec<&ExpiryNotice>, Vec<&ExpiryNotice>) = notices
            .iter()
            .partition(|n| n.key.status == KeyStatus::Expired);
        let part = |list: &[&ExpiryNotice], one: &str, many: &str| match list {
            [] => None,
            [n] => Some(format!("{} {one}", name(n))),
            _ => {
                let names: Vec<String> = list.iter().take(3).map(|n| name(n)).collect();
                let more = list.len().saturating_sub(3);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                Some(format!(
                    "{} keys {many}: {}{tail}",
                    list.len(),
                    names.join(", ")
                ))
            }
        };
        let lines: Vec<String> = [
            part(&expired, "has expired", "have expired"),
            part(&expiring, "expires soon", "expire soon"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if lines.is_empty() {
            return None;
        }
        let title = if expired.is_empty() {
            "keydeck: keys expire soon"
        } else {
            "keydeck: keys have expired"
        };
        Some((title.to_string(), lines.join("\n")))
    }
}
