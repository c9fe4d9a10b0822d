//! A query's text and its values, built once and run by either reader: sqlx (async, for the
//! window and everything that writes) or rusqlite (synchronous, for the CLI's streamed
//! listings, which sqlx slows down with a copy of every value and a thread hop per row).

use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Sqlite};

/// A value bound to a `?` of the text.
#[derive(Debug, Clone)]
pub(super) enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(value: i64) -> Self {
        Bind::Int(value)
    }
}

impl From<String> for Bind {
    fn from(value: String) -> Self {
        Bind::Text(value)
    }
}

impl From<&str> for Bind {
    fn from(value: &str) -> Self {
        Bind::Text(value.to_string())
    }
}

/// SQL text with `?` placeholders, and their values in order.
#[derive(Debug, Default)]
pub(super) struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub fn new(text: impl AsRef<str>) -> Self {
        Sql {
            text: text.as_ref().to_string(),
            binds: Vec::new(),
        }
    }

    /// Appends SQL text: never text from outside (that goes through [`Sql::bind`]).
    pub fn push(&mut self, text: impl AsRef<str>) -> &mut Self {
        self.text.push_str(text.as_ref());
        self
    }

    /// Appends a `?` bound to `value`.
    pub fn bind(&mut self, value: impl Into<Bind>) -> &mut Self {
        self.text.push('?');
        self.binds.push(value.into());
        self
    }

    /// The query for sqlx, with its values bound, read as `T` rows.
    pub fn sqlx_as<T>(&self) -> sqlx::query::QueryAs<'_, Sqlite, T, SqliteArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    {
        sqlx::query_as_with(&self.text, self.arguments())
    }

    pub fn sqlx_scalar<T>(&self) -> sqlx::query::QueryScalar<'_, Sqlite, T, SqliteArguments<'_>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    {
        sqlx::query_scalar_with(&self.text, self.arguments())
    }

    fn arguments(&self) -> SqliteArguments<'_> {
        let mut args = SqliteArguments::default();
        for bind in &self.binds {
            // Adding an i64 or a &str to SQLite arguments cannot fail.
            let _ = match bind {
                Bind::Int(value) => args.add(*value),
                Bind::Text(value) => args.add(value.as_str()),
            };
        }
        args
    }

    /// Runs the query on a rusqlite connection, handing `each` one row at a time as SQLite
    /// reads it. An error from `each` stops it.
    pub fn for_each_row(
        &self,
        connection: &rusqlite::Connection,
        mut each: impl FnMut(&rusqlite::Row<'_>) -> crate::Result<()>,
    ) -> crate::Result<()> {
        let mut statement = connection.prepare(&self.text)?;
        let mut rows = statement.query(rusqlite::params_from_iter(&self.binds))?;
        while let Some(row) = rows.next()? {
            each(row)?;
        }
        Ok(())
    }
}

impl rusqlite::ToSql for Bind {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(match self {
            Bind::Int(value) => (*value).into(),
            Bind::Text(value) => value.as_str().into(),
        })
    }
}
