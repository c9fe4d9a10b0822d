//! Import and export against the vault. An import writes every key or none.

use std::collections::HashSet;

use chrono::Utc;
use futures_util::TryStreamExt;
use serde::Serialize;

use super::{insert_event, insert_row, validate, Vault};
use crate::exchange::{ExportItem, ImportItem};
use crate::mask::mask;
use crate::model::LOCAL_SOURCE;
use crate::secret_store::item;
use crate::{Error, KeyRecord, KeyStatus, ListQuery, NewKey, Result, Secret};

/// What to do with an imported name that is already taken.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::IntoStaticStr,
    strum::VariantNames,
    strum::EnumIter,
)]
#[strum(serialize_all = "lowercase")]
pub enum OnDuplicate {
    #[default]
    Error,
    Skip,
    Rename,
}

impl std::str::FromStr for OnDuplicate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        crate::model::parse_name("duplicate policy", s)
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Serialize)]
pub struct ImportPlan {
    pub added: Vec<PlannedKey>,
    pub skipped: Vec<PlannedKey>,
    /// Entries of another manager's export that are not keys (no password): not imported.
    pub left_out: Vec<crate::importers::LeftOut>,
    pub dry_run: bool,
}

#[derive(Debug, Serialize)]
pub struct PlannedKey {
    pub line: usize,
    pub name: String,
    /// The name in the file, when it was renamed to avoid a duplicate.
    pub renamed_from: Option<String>,
    /// The new key's id (absent in a dry run and for skipped keys).
    pub id: Option<String>,
}

/// Told `(stored, of)` after each secret of an import reaches the keyring: the slow part
/// (a keyring may rewrite its whole file per item), so a front end can show `n/N`.
pub type OnStored = Box<dyn Fn(usize, usize) + Send>;

impl Vault {
    /// Imports keys all or nothing: every row and secret is written, or none is.
    pub async fn import(
        &self,
        items: Vec<ImportItem>,
        on_duplicate: OnDuplicate,
        dry_run: bool,
    ) -> Result<ImportPlan> {
        self.import_reporting(items, on_duplicate, dry_run, Box::new(|_, _| {}))
            .await
    }

    /// [`Vault::import`], telling `on_stored` of each secret stored.
    pub async fn import_reporting(
        &self,
        items: Vec<ImportItem>,
        on_duplicate: OnDuplicate,
        dry_run: bool,
        on_stored: OnStored,
    ) -> Result<ImportPlan> {
        let taken: HashSet<String> = sqlx::query_scalar("SELECT name FROM keys")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .collect();
        let (mut plan, accepted) = plan_import(items, on_duplicate, taken)?;
        plan.dry_run = dry_run;
        if !dry_run && !accepted.is_empty() {
            self.write_import(accepted, &mut plan, on_stored).await?;
        }
        Ok(plan)
    }

    /// Writes the planned keys: every row in one transaction, committed once every secret is
    /// in the keyring (a failing one undoes those before it).
    async fn write_import(
        &self,
        accepted: Vec<(NewKey, Secret)>,
        plan: &mut ImportPlan,
        on_stored: OnStored,
    ) -> Result<()> {
        let now = Utc::now();
        let mut tx = self.pool.begin().await?;
        let mut writes = Vec::with_capacity(accepted.len());
        for ((key, secret), planned) in accepted.into_iter().zip(plan.added.iter_mut()) {
            let id = uuid::Uuid::new_v4().to_string();
            insert_row(&mut tx, &id, &key, &mask(secret.expose()), now).await?;
            insert_event(&mut tx, &id, now, "imported", None).await?;
            planned.id = Some(id.clone());
            writes.push((item::key(&id, 0), secret));
        }
        let items: Vec<String> = writes.iter().map(|(item, _)| item.clone()).collect();
        self.store_call(move |store| {
            let mut done = 0;
            let stored = store.add_many(&writes, &mut |n| {
                done = n;
                on_stored(n, writes.len());
            });
            if stored.is_err() {
                // Undo the secrets already written; the rows roll back with the transaction.
                for (written, _) in &writes[..done] {
                    let _ = store.delete(written);
                }
            }
            stored
        })
        .await?;
        self.commit_or_forget(tx, &items).await
    }

    /// Every key of the local vault with its notes; with `include_secrets`, the secrets of
    /// unrevoked keys too. Remote keys belong to their servers and are not exported.
    pub async fn export(&self, include_secrets: bool) -> Result<Vec<ExportItem>> {
        let mut all = Vec::new();
        self.export_each(include_secrets, |item| {
            all.push(item);
            Ok(())
        })
        .await?;
        Ok(all)
    }

    /// [`Vault::export`] one key at a time, as SQLite reads them: an export of any size
    /// takes the memory of one key. An error from `each` stops it.
    pub async fn export_each(
        &self,
        include_secrets: bool,
        mut each: impl FnMut(ExportItem) -> Result<()>,
    ) -> Result<()> {
        if include_secrets {
            // A keyring move left pending by a crash finishes before any secret is read.
            self.settle_keyring().await?;
        }
        let mut sql = self.select_keys(
            "SELECT k.*, (SELECT notes FROM keys WHERE keys.id = k.id) AS notes, \
             (SELECT secret_rev FROM keys WHERE keys.id = k.id) AS secret_rev",
        );
        let local = ListQuery {
            source: Some(LOCAL_SOURCE.into()),
            ..ListQuery::default()
        };
        super::listing::push_filters(&mut sql, &local);
        super::listing::push_order(&mut sql, &local);
        let mut rows = sql.sqlx_as::<ExportRow>().fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let record = KeyRecord::try_from(row.key)?;
            let secret = match include_secrets && record.status != KeyStatus::Revoked {
                true => {
                    self.secret_at(item::key(&record.id, row.secret_rev))
                        .await?
                }
                false => None,
            };
            each(ExportItem {
                record,
                notes: row.notes,
                secret,
            })?;
        }
        Ok(())
    }

    /// The secret under one keyring item, if it is there.
    async fn secret_at(&self, secret_item: String) -> Result<Option<Secret>> {
        self.raw_store_call(move |store| store.get(&secret_item))
            .await
    }
}

/// A key of the local vault as `export` reads it: its listing row, notes and keyring item.
#[derive(sqlx::FromRow)]
struct ExportRow {
    #[sqlx(flatten)]
    key: super::listing::KeyRow,
    notes: Option<String>,
    secret_rev: i64,
}

/// Which keys an import adds (renamed where asked) and which it skips, checked line by line
/// before anything is written.
fn plan_import(
    items: Vec<ImportItem>,
    on_duplicate: OnDuplicate,
    mut taken: HashSet<String>,
) -> Result<(ImportPlan, Vec<(NewKey, Secret)>)> {
    let mut plan = ImportPlan::default();
    let mut accepted = Vec::new();
    for item in items {
        let line = item.line;
        let mut key = validate::new_key(item.key)
            .map_err(|e| Error::InvalidInput(format!("line {line}: {e}")))?;
        let mut renamed_from = None;
        if taken.contains(&key.name) {
            match on_duplicate {
                OnDuplicate::Error => {
                    return Err(Error::InvalidInput(format!(
                        "line {line}: a key named `{}` already exists; nothing was imported \
                         (choose to skip or rename duplicates)",
                        key.name
                    )))
                }
                OnDuplicate::Skip => {
                    let (name, renamed_from, id) = (key.name, None, None);
                    plan.skipped.push(PlannedKey {
                        line,
                        name,
                        renamed_from,
                        id,
                    });
                    continue;
                }
                OnDuplicate::Rename => {
                    let new_name = (2..)
                        .map(|n| format!("{} ({n})", key.name))
                        .find(|candidate| !taken.contains(candidate))
                        .expect("an unused name exists");
                    renamed_from = Some(std::mem::replace(&mut key.name, new_name));
                }
            }
        }
        taken.insert(key.name.clone());
        let name = key.name.clone();
        plan.added.push(PlannedKey {
            line,
            name,
            renamed_from,
            id: None,
        });
        accepted.push((key, item.secret));
    }
    Ok((plan, accepted))
}
