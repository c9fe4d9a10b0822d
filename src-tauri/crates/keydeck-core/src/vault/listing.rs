//! Reading keys: listings (all in SQL, never the keyring), one key by id or name, and a
//! key's details with its history. Every source reads through the `all_keys` view, or, for
//! listings in name order, through its two halves written out (see [`HALVES`]).

use std::sync::atomic::Ordering;

use chrono::{Duration, Utc};
use sqlx::sqlite::SqliteRow;

use super::sql::Sql;
use super::{from_ms, Vault};
use crate::model::{KeyPage, Unable, LOCAL_SOURCE};
use crate::remote::DialectId;
use crate::text::inert_cut;
use crate::{Error, KeyDetail, KeyEvent, KeyRecord, ListQuery, Result, SortField};

/// A history event as stored: when (ms), what, detail.
type EventRow = (i64, String, Option<String>);

/// A row of the `all_keys` view as SQLite returns it, with the status derived in SQL.
pub(super) struct KeyRow {
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

/// Reads a [`KeyRow`] with `$row.$get(column)`, which sqlx's and rusqlite's rows both have.
/// `$column(place, name)` says which column: by name for sqlx; for rusqlite by the place the
/// statement's first row found (a lookup by name on every row costs more than the row).
macro_rules! key_row {
    ($row:ident . $get:ident, $column:expr) => {{
        #[allow(unused_mut, reason = "sqlx's column closure changes nothing")]
        let mut column = $column;
        let mut place = 0usize;
        // Fields are read in the order they are written below.
        let mut at = |name: &'static str| {
            place += 1;
            column(place - 1, name)
        };
        KeyRow {
            id: $row.$get(at("id")?)?,
            name: $row.$get(at("name")?)?,
            mask: $row.$get(at("mask")?)?,
            scopes: $row.$get(at("scopes")?)?,
            tags: $row.$get(at("tags")?)?,
            env: $row.$get(at("env")?)?,
            source: $row.$get(at("source")?)?,
            owner: $row.$get(at("owner")?)?,
            details: $row.$get(at("details")?)?,
            created_at: $row.$get(at("created_at")?)?,
            updated_at: $row.$get(at("updated_at")?)?,
            last_used_at: $row.$get(at("last_used_at")?)?,
            expires_at: $row.$get(at("expires_at")?)?,
            revoked_at: $row.$get(at("revoked_at")?)?,
            revoke_reason: $row.$get(at("revoke_reason")?)?,
            status: $row.$get(at("status")?)?,
            has_secret: $row.$get(at("has_secret")?)?,
            has_revoke_request: $row.$get(at("has_revoke_request")?)?,
            dialect: $row.$get(at("dialect")?)?,
        }
    }};
}

impl<'r> sqlx::FromRow<'r, SqliteRow> for KeyRow {
    fn from_row(row: &'r SqliteRow) -> sqlx::Result<Self> {
        use sqlx::Row;
        Ok(key_row!(row.try_get, |_: usize, name: &'static str| {
            Ok::<_, sqlx::Error>(name)
        }))
    }
}

impl KeyRow {
    /// `places`: where the statement has each column, filled in on its first row.
    fn from_rusqlite(row: &rusqlite::Row<'_>, places: &mut Vec<usize>) -> rusqlite::Result<Self> {
        let statement = row.as_ref();
        Ok(key_row!(row.get, |place: usize, name: &'static str| {
            if place == places.len() {
                places.push(statement.column_index(name)?);
            }
            Ok::<_, rusqlite::Error>(places[place])
        }))
    }
}

/// The `all_keys` view's two halves (migrations/0008), written out. SQLite does not flatten
/// a compound view under an ORDER BY, so a listing through the view sorts every key before
/// its first row; these halves, each filtered and ordered, are walked along their name
/// indexes and merged (the first page of 100,000 keys: 0.2 s before, under 10 ms now).
const HALVES: [&str; 2] = [
    "SELECT id, name, name_key, mask, scopes, tags, env, 'local' AS source, NULL AS owner, \
     '{}' AS details, created_at, updated_at, last_used_at, expires_at, revoked_at, \
     revoke_reason, revoked_at IS NOT NULL AS revoked, 1 AS status_known, 1 AS has_secret, \
     1 AS has_revoke_request, NULL AS dialect FROM keys",
    "SELECT r.id, r.name, r.name_key, r.mask, r.scopes, '[]' AS tags, r.env, r.source, r.owner, \
     r.details, r.created_at, r.updated_at, r.last_used_at, r.expires_at, r.revoked_at, \
     NULL AS revoke_reason, r.revoked, r.status_known, r.has_secret, \
     s.revoke_template IS NOT NULL AS has_revoke_request, s.dialect \
     FROM remote_keys AS r JOIN sources AS s ON s.name = r.source",
];

/// The derived status column (`expiring` up to `window_end`).
fn push_status(sql: &mut Sql, now: i64, window_end: i64) {
    sql.push(
        "CASE WHEN revoked THEN 'revoked' \
              WHEN NOT status_known THEN 'unknown' \
              WHEN expires_at IS NOT NULL AND expires_at <= ",
    )
    .bind(now)
    .push(" THEN 'expired' WHEN expires_at IS NOT NULL AND expires_at <= ")
    .bind(window_end)
    .push(" THEN 'expiring' ELSE 'active' END AS status");
}

impl Vault {
    /// Now and the end of the expiring window, in ms.
    fn status_times(&self) -> (i64, i64) {
        let now = Utc::now();
        let window = Duration::milliseconds(self.expiring_window_ms.load(Ordering::Relaxed));
        (now.timestamp_millis(), (now + window).timestamp_millis())
    }

    /// Starts a query (`head`: `SELECT *` or `SELECT count(*)`) over keys with their derived
    /// status. Filters go after it, on the subquery `k`, so they can use `status`.
    pub(super) fn select_keys(&self, head: &str) -> Sql {
        let (now, window_end) = self.status_times();
        let mut sql = Sql::new(head);
        sql.push(
            " FROM (SELECT id, name, name_key, mask, scopes, tags, env, source, owner, details, \
             created_at, updated_at, last_used_at, expires_at, revoked_at, revoke_reason, \
             has_secret, has_revoke_request, dialect, ",
        );
        push_status(&mut sql, now, window_end);
        sql.push(" FROM all_keys) AS k WHERE 1=1");
        sql
    }

    /// The keys `query` asks for, in its order, as `SELECT *` rows. In name order (the
    /// default) the two halves are merged; any other order sorts, as it must.
    fn listing(&self, query: &ListQuery) -> Sql {
        if query.sort != SortField::Name {
            let mut sql = self.select_keys("SELECT *");
            push_filters(&mut sql, query);
            push_order(&mut sql, query);
            return sql;
        }
        let (now, window_end) = self.status_times();
        let mut sql = Sql::default();
        for (i, half) in HALVES.into_iter().enumerate() {
            if i > 0 {
                sql.push(" UNION ALL ");
            }
            sql.push("SELECT * FROM (SELECT *, ");
            push_status(&mut sql, now, window_end);
            sql.push(" FROM (").push(half).push(")) AS k WHERE 1=1");
            push_filters(&mut sql, query);
        }
        // A compound orders by result columns only; a name is never missing. As people read
        // (text::sort_key; migration 0008 has the indexes in this order).
        let direction = if query.descending { "DESC" } else { "ASC" };
        sql.push(format!(
            " ORDER BY name_key {direction}, name {direction}, source, id"
        ));
        sql
    }

    /// Lists keys; a search and filters narrow it, all in SQL. Never touches the keyring.
    pub async fn list(&self, query: &ListQuery) -> Result<Vec<KeyRecord>> {
        self.records(&self.listing(query)).await
    }

    /// The keys a `SELECT *` over [`Vault::select_keys`] (or the listing) reads.
    async fn records(&self, sql: &Sql) -> Result<Vec<KeyRecord>> {
        let rows: Vec<KeyRow> = sql.sqlx_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(KeyRecord::try_from).collect()
    }

    /// Hands `each` the keys of a listing one at a time, in order, as SQLite reads them, so
    /// that printing a million keys takes the memory of one. An error from `each` stops it.
    ///
    /// It reads on the calling thread and blocks it until the listing ends: it is for a
    /// program that prints a listing (the CLI), not for an async task that shares its thread.
    pub fn for_each_key(
        &self,
        query: &ListQuery,
        mut each: impl FnMut(KeyRecord) -> Result<()>,
    ) -> Result<()> {
        let connection = rusqlite::Connection::open_with_flags(
            &self.db_path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // A writer's commit in progress (the window, a sync) is waited for, as the pool does.
        connection.busy_timeout(super::open::BUSY_TIMEOUT)?;
        let mut places = Vec::new();
        self.listing(query).for_each_row(&connection, |row| {
            each(KeyRecord::try_from(KeyRow::from_rusqlite(
                row,
                &mut places,
            )?)?)
        })
    }

    /// One window of a listing, with how many keys match and how many the source holds:
    /// what a virtualized table asks for as it scrolls.
    pub async fn list_page(&self, query: &ListQuery, offset: u32, limit: u32) -> Result<KeyPage> {
        let whole_source = ListQuery {
            source: query.source.clone(),
            sort: query.sort,
            descending: query.descending,
            ..ListQuery::default()
        };
        let total = self.count_source(query.source.as_deref()).await?;
        // Unfiltered, what matches is the whole source: no second count.
        let matching = if *query == whole_source {
            total
        } else {
            let mut count = self.select_keys("SELECT count(*)");
            push_filters(&mut count, query);
            count.sqlx_scalar().fetch_one(&self.pool).await?
        };
        let mut page = self.listing(query);
        page.push(" LIMIT ")
            .bind(i64::from(limit))
            .push(" OFFSET ")
            .bind(i64::from(offset));
        Ok(KeyPage {
            keys: self.records(&page).await?,
            offset,
            matching: matching as u32,
            total: total as u32,
        })
    }

    /// How many keys one source holds (every source when `None`), counted on its own table:
    /// through the view, SQLite would derive every row's status just to count it (at 100,000
    /// keys, 50 ms against a few).
    async fn count_source(&self, source: Option<&str>) -> Result<i64> {
        let count = match source {
            Some(LOCAL_SOURCE) => sqlx::query_scalar("SELECT count(*) FROM keys"),
            Some(name) => {
                sqlx::query_scalar("SELECT count(*) FROM remote_keys WHERE source = ?").bind(name)
            }
            None => sqlx::query_scalar(
                "SELECT (SELECT count(*) FROM keys) + (SELECT count(*) FROM remote_keys)",
            ),
        };
        Ok(count.fetch_one(&self.pool).await?)
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

    /// The key of `source` with exactly this id, if there is one: for the program's own
    /// lookups of a key it already knows, where a person's name is not loosened or suggested.
    pub async fn key_by_id(&self, source: &str, id: &str) -> Result<Option<KeyRecord>> {
        let mut sql = self.select_keys("SELECT *");
        sql.push(" AND source = ")
            .bind(source)
            .push(" AND id = ")
            .bind(id);
        Ok(self.records(&sql).await?.pop())
    }

    /// One key by id or name, in `source` or in any source. A name or id that several
    /// remote sources list (and the vault does not) is ambiguous: pick a source.
    pub async fn find(&self, source: Option<&str>, id_or_name: &str) -> Result<KeyRecord> {
        let mut sql = self.select_keys("SELECT *");
        if let Some(source) = source {
            sql.push(" AND source = ").bind(source);
        }
        sql.push(" AND (id = ")
            .bind(id_or_name)
            .push(" OR name = ")
            .bind(id_or_name)
            .push(") ORDER BY (source = 'local') DESC, (id = ")
            .bind(id_or_name)
            .push(") DESC, source LIMIT 2");
        let mut found = self.records(&sql).await?;
        match found.len() {
            0 => self.find_loosely(source, id_or_name).await,
            2 if found[0].source != LOCAL_SOURCE && found[0].source != found[1].source => {
                Err(Error::Usage(format!(
                    "`{id_or_name}` matches keys of the sources `{}` and `{}`; name its source",
                    found[0].source, found[1].source
                )))
            }
            _ => Ok(found.swap_remove(0)),
        }
    }

    /// A name no key has exactly: the key of that name case aside (the vault's first), else
    /// not found, with the names closest to it.
    async fn find_loosely(&self, source: Option<&str>, name: &str) -> Result<KeyRecord> {
        let mut sql = self.select_keys("SELECT *");
        if let Some(source) = source {
            sql.push(" AND source = ").bind(source);
        }
        sql.push(" AND name = ")
            .bind(name)
            .push(" COLLATE NOCASE ORDER BY (source = 'local') DESC, source, name LIMIT 2");
        let mut found = self.records(&sql).await?;
        match found.len() {
            0 => Err(Error::NotFound(
                name.to_string(),
                self.names_like(source, name).await?,
            )),
            2 if (found[0].source == LOCAL_SOURCE) == (found[1].source == LOCAL_SOURCE) => {
                Err(Error::Usage(format!(
                    "`{}` matches `{}` ({}) and `{}` ({}) when case is set aside; give its exact name or id",
                    inert_cut(name, 80),
                    inert_cut(&found[0].name, 80),
                    found[0].source,
                    inert_cut(&found[1].name, 80),
                    found[1].source
                )))
            }
            _ => Ok(found.swap_remove(0)),
        }
    }

    /// Up to three names close to `name` (a few typos, or it is part of them), closest first.
    async fn names_like(&self, source: Option<&str>, name: &str) -> Result<Vec<String>> {
        let mut sql = Sql::new("SELECT DISTINCT name FROM all_keys WHERE 1=1");
        if let Some(source) = source {
            sql.push(" AND source = ").bind(source);
        }
        let names: Vec<String> = sql.sqlx_scalar().fetch_all(&self.pool).await?;
        let wanted = name.to_lowercase();
        let allowed = (wanted.chars().count() / 3).max(2);
        let mut close: Vec<(usize, String)> = names
            .into_iter()
            .filter_map(|candidate| {
                let lower = candidate.to_lowercase();
                let distance = strsim::levenshtein(&wanted, &lower);
                let part = wanted.chars().count() >= 3 && lower.contains(&wanted);
                (distance <= allowed || part).then_some((distance, candidate))
            })
            .collect();
        close.sort();
        Ok(close.into_iter().take(3).map(|(_, name)| name).collect())
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
        let previous_until = if record.source == LOCAL_SOURCE {
            self.previous_until(&record.id).await?
        } else {
            None
        };
        Ok(KeyDetail {
            record,
            notes,
            history,
            previous_until,
        })
    }
}

/// The search and filters of a listing, as SQL on the subquery `k`.
pub(super) fn push_filters(sql: &mut Sql, query: &ListQuery) {
    if let Some(source) = &query.source {
        sql.push(" AND source = ").bind(source.as_str());
    }
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{}%", escape_like(search));
        sql.push(" AND (name LIKE ")
            .bind(pattern.as_str())
            .push(" ESCAPE '\\' OR id LIKE ")
            .bind(pattern.as_str())
            .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(k.scopes) WHERE value LIKE ")
            .bind(pattern.as_str())
            .push(" ESCAPE '\\') OR EXISTS (SELECT 1 FROM json_each(k.tags) WHERE value LIKE ")
            .bind(pattern.as_str())
            .push(" ESCAPE '\\') OR owner LIKE ")
            .bind(pattern.as_str())
            .push(" ESCAPE '\\' OR env LIKE ")
            .bind(pattern.as_str())
            // Notes are the vault's only (a listing has none): looked up by the key's id.
            .push(
                " ESCAPE '\\' OR (source = 'local' AND EXISTS (SELECT 1 FROM keys AS n \
                   WHERE n.id = k.id AND n.notes LIKE ",
            )
            .bind(pattern)
            .push(" ESCAPE '\\')))");
    }
    if let Some(status) = query.status {
        sql.push(" AND status = ").bind(status.as_str());
    }
    if query.hide_inactive {
        sql.push(" AND status NOT IN ('revoked', 'expired')");
    }
    if let Some(scope) = &query.scope {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(k.scopes) WHERE value = ")
            .bind(scope.as_str())
            .push(")");
    }
    if let Some(tag) = &query.tag {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(k.tags) WHERE value = ")
            .bind(tag.as_str())
            .push(")");
    }
}

pub(super) fn push_order(sql: &mut Sql, query: &ListQuery) {
    // A closed set of names, each the view's column of that name: never text from outside.
    let column = query.sort.as_str();
    let direction = if query.descending { "DESC" } else { "ASC" };
    // Unknown values sort last either way; name, source and id make the order stable.
    sql.push(format!(
        " ORDER BY ({column} IS NULL), {column} {direction}, name_key, name, source, id"
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
