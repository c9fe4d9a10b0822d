//! Import and export file formats: `.env`, JSON and CSV (and other managers' exports, in
//! `importers`). Parsing is all-or-nothing: the first bad line stops it, named by its line
//! number, before anything is written.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use zeroize::Zeroizing;

pub use crate::importers::{detect, LeftOut, Parsed};
use crate::{Error, KeyRecord, NewKey, Result, Secret};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames, strum::EnumIter,
)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    Env,
    Json,
    Csv,
    /// The exports of other managers (see `importers`).
    Keepassxc,
    #[strum(serialize = "bitwarden-json")]
    BitwardenJson,
    #[strum(serialize = "bitwarden-csv")]
    BitwardenCsv,
    #[strum(serialize = "1password")]
    Onepassword,
}

impl Format {
    /// Guesses the format from a file name: `*.json`, `*.csv`, anything else is `.env`.
    pub fn from_path(path: &std::path::Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(ext) if ext == "json" => Format::Json,
            Some(ext) if ext == "csv" => Format::Csv,
            _ => Format::Env,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        crate::model::parse_name("format", s)
    }
}

/// One key read from an import file, with the line it came from.
#[derive(Debug)]
pub struct ImportItem {
    pub line: usize,
    pub key: NewKey,
    pub secret: Secret,
}

/// Reads a whole import file. The text is wiped when done.
pub fn parse(format: Format, bytes: Zeroizing<Vec<u8>>) -> Result<Parsed> {
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(err) => {
            let line = line_of(&bytes, err.valid_up_to());
            return Err(Error::InvalidInput(format!(
                "line {line}: the file is not valid UTF-8 text"
            )));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parsed = match format {
        Format::Env => parse_env(text)?.into(),
        Format::Json => parse_json(text)?.into(),
        Format::Csv => parse_csv(text)?.into(),
        other => crate::importers::parse_manager(other, text)?,
    };
    if parsed.items.is_empty() && parsed.left_out.is_empty() {
        return Err(Error::InvalidInput("the file holds no keys".into()));
    }
    Ok(parsed)
}

pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1
}

fn at_line(line: usize) -> impl Fn(Error) -> Error {
    move |err| Error::InvalidInput(format!("line {line}: {err}"))
}

fn secret_at(line: usize, value: String) -> Result<Secret> {
    Secret::new(value).map_err(at_line(line))
}

/// `NAME=value` lines; `#` comments, blank lines, an `export ` prefix, single quotes
/// (literal) and double quotes (with `\n`, `\t`, `\"`, `\\` escapes).
fn parse_env(text: &str) -> Result<Vec<ImportItem>> {
    let mut items = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let assignment = trimmed
            .strip_prefix("export")
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map(str::trim_start)
            .unwrap_or(trimmed);
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(Error::InvalidInput(format!(
                "line {line}: expected NAME=value"
            )));
        };
        let name = name.trim_end();
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid_name {
            return Err(Error::InvalidInput(format!(
                "line {line}: `{name}` is not a variable name (letters, digits, `_`, `.`, `-`; not starting with a digit)"
            )));
        }
        let value = env_value(value.trim_start()).map_err(at_line(line))?;
        if value.is_empty() {
            return Err(Error::InvalidInput(format!(
                "line {line}: {name} has an empty value"
            )));
        }
        items.push(ImportItem {
            line,
            key: NewKey {
                name: name.to_string(),
                ..NewKey::default()
            },
            secret: secret_at(line, value)?,
        });
    }
    Ok(items)
}

fn env_value(value: &str) -> Result<String> {
    let (unquoted, rest) = if let Some(body) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                '\\' => match chars.next().map(|(_, c)| c) {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        let end = end.ok_or_else(|| {
            Error::InvalidInput("the double quote is not closed on this line".into())
        })?;
        (out, &body[end..])
    } else if let Some(body) = value.strip_prefix('\'') {
        let end = body.find('\'').ok_or_else(|| {
            Error::InvalidInput("the single quote is not closed on this line".into())
        })?;
        (body[..end].to_string(), &body[end + 1..])
    } else {
        // Unquoted: a ` #` starts a comment.
        let end = value
            .char_indices()
            .find(|&(i, c)| c == '#' && value[..i].ends_with([' ', '\t']))
            .map_or(value.len(), |(i, _)| i);
        return Ok(value[..end].trim_end().to_string());
    };
    let rest = rest.trim_start();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err(Error::InvalidInput(format!(
            "unexpected text after the closing quote: `{}`",
            rest.chars().take(20).collect::<String>()
        )));
    }
    Ok(unquoted)
}

/// The JSON import entry; extra fields (such as an export's `id` or `mask`) are ignored.
#[derive(Deserialize)]
struct JsonItem {
    name: String,
    secret: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    env: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
}

/// An array of `{name, secret, scopes?, tags?, env?, notes?, expires_at?}`.
fn parse_json(text: &str) -> Result<Vec<ImportItem>> {
    let json_error = |err: serde_json::Error, base_line: usize| {
        let detail = err.to_string();
        let detail = detail
            .split(" at line ")
            .next()
            .unwrap_or(&detail)
            .to_string();
        Error::InvalidInput(format!(
            "line {}: {detail}",
            base_line + err.line().max(1) - 1
        ))
    };
    let entries: Vec<&serde_json::value::RawValue> =
        serde_json::from_str(text).map_err(|e| json_error(e, 1))?;
    let mut items = Vec::with_capacity(entries.len());
    for raw in entries {
        // The entry's own text lies inside `text`: its offset gives its line.
        let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
        let line = line_of(text.as_bytes(), offset);
        let item: JsonItem = serde_json::from_str(raw.get()).map_err(|e| json_error(e, line))?;
        items.push(ImportItem {
            line,
            secret: secret_at(line, item.secret)?,
            key: NewKey {
                name: item.name,
                scopes: item.scopes,
                tags: item.tags,
                env: item.env,
                notes: item.notes,
                expires_at: item.expires_at,
            },
        });
    }
    Ok(items)
}

/// A header line naming at least `name` and `secret`; `scopes` and `tags` are separated by
/// `;`; `env`, `notes`, `expires_at` (RFC 3339) are optional; other columns are ignored.
fn parse_csv(text: &str) -> Result<Vec<ImportItem>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::InvalidInput(format!("line 1: {e}")))?
        .clone();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(name_col), Some(secret_col)) = (column("name"), column("secret")) else {
        return Err(Error::InvalidInput(
            "line 1: the header must name the columns `name` and `secret`".into(),
        ));
    };
    let optional = |name: &str| column(name);
    let (scopes_col, tags_col, env_col, notes_col, expires_col) = (
        optional("scopes"),
        optional("tags"),
        optional("env"),
        optional("notes"),
        optional("expires_at"),
    );
    let mut items = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Error::InvalidInput(format!("line {line}: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let list = |col: Option<usize>| {
            field(col)
                .map(|v| {
                    v.split(';')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let expires_at = field(expires_col)
            .map(|v| parse_time(&v))
            .transpose()
            .map_err(at_line(line))?;
        let secret = record.get(secret_col).unwrap_or_default().to_string();
        items.push(ImportItem {
            line,
            secret: secret_at(line, secret)?,
            key: NewKey {
                name: record.get(name_col).unwrap_or_default().to_string(),
                scopes: list(scopes_col),
                tags: list(tags_col),
                env: field(env_col),
                notes: field(notes_col),
                expires_at,
            },
        });
    }
    Ok(items)
}

/// Parses an RFC 3339 time such as `2027-01-31T00:00:00Z`.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Error::InvalidInput(format!(
                "`{text}` is not an RFC 3339 time (e.g. 2027-01-31T00:00:00Z)"
            ))
        })
}

/// One exported key: its listing, notes, and the secret only when asked for.
#[derive(Debug, Serialize)]
pub struct ExportItem {
    #[serde(flatten)]
    pub record: KeyRecord,
    pub notes: Option<String>,
    #[serde(
        serialize_with = "expose_for_export",
        skip_serializing_if = "Option::is_none"
    )]
    pub secret: Option<Secret>,
}

/// The one place a secret is serialized: `export --include-secrets`, asked for explicitly.
fn expose_for_export<S: Serializer>(secret: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose()),
        None => s.serialize_none(),
    }
}

/// An export as CSV that `keydeck import --format csv` reads back, written a key at a time.
pub struct CsvExport<W: std::io::Write> {
    writer: csv::Writer<W>,
    include_secrets: bool,
}

fn csv_error(e: csv::Error) -> Error {
    Error::Io(format!("writing CSV failed: {e}"))
}

impl<W: std::io::Write> CsvExport<W> {
    /// Starts the file with its header.
    pub fn new(out: W, include_secrets: bool) -> Result<Self> {
        let mut writer = csv::Writer::from_writer(out);
        let mut header = vec![
            "id",
            "name",
            "mask",
            "scopes",
            "tags",
            "env",
            "status",
            "source",
            "created_at",
            "updated_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "revoke_reason",
            "notes",
        ];
        if include_secrets {
            header.push("secret");
        }
        writer.write_record(&header).map_err(csv_error)?;
        Ok(CsvExport {
            writer,
            include_secrets,
        })
    }

    pub fn push(&mut self, item: &ExportItem) -> Result<()> {
        let time = |t: &Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        let r = &item.record;
        let mut row = vec![
            r.id.clone(),
            r.name.clone(),
            r.mask.clone(),
            r.scopes.join(";"),
            r.tags.join(";"),
            r.env.clone().unwrap_or_default(),
            r.status.as_str().to_string(),
            r.source.clone(),
            time(&r.created_at),
            time(&r.updated_at),
            time(&r.last_used_at),
            time(&r.expires_at),
            time(&r.revoked_at),
            r.revoke_reason.clone().unwrap_or_default(),
            item.notes.clone().unwrap_or_default(),
        ];
        if self.include_secrets {
            row.push(
                item.secret
                    .as_ref()
                    .map(|s| s.expose().to_string())
                    .unwrap_or_default(),
            );
        }
        let written = self.writer.write_record(&row).map_err(csv_error);
        // The row may hold a copy of the secret.
        row.iter_mut().for_each(zeroize::Zeroize::zeroize);
        written
    }

    pub fn finish(mut self) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(format: Format, text: &str) -> Result<Vec<ImportItem>> {
        Ok(parse(format, Zeroizing::new(text.as_bytes().to_vec()))?.items)
    }

    fn error_of(format: Format, text: &str) -> String {
        parse_str(format, text).unwrap_err().to_string()
    }

    #[test]
    fn env_file_with_comments_quotes_and_export() {
        let items = parse_str(
            Format::Env,
            "# keys\n\nexport STRIPE_KEY=sk_live_abc # live\nQUOTED=\"a b\\n\\\"c\\\"\"\nSINGLE='x#y z'\nHASH=abc#def\n",
        )
        .unwrap();
        let got: Vec<(&str, &str, usize)> = items
            .iter()
            .map(|i| (i.key.name.as_str(), i.secret.expose(), i.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("STRIPE_KEY", "sk_live_abc", 3),
                ("QUOTED", "a b\n\"c\"", 4),
                ("SINGLE", "x#y z", 5),
                ("HASH", "abc#def", 6),
            ]
        );
    }

    #[test]
    fn env_errors_name_their_line() {
        assert_eq!(
            error_of(Format::Env, "A=1\nno equals here\n"),
            "line 2: expected NAME=value"
        );
        assert!(error_of(Format::Env, "A=1\n\n1BAD=x")
            .starts_with("line 3: `1BAD` is not a variable name"));
        assert_eq!(
            error_of(Format::Env, "A=\"open\n"),
            "line 1: the double quote is not closed on this line"
        );
        assert_eq!(
            error_of(Format::Env, "# only\nEMPTY=\n"),
            "line 2: EMPTY has an empty value"
        );
        assert!(error_of(Format::Env, "A='x' trailing").starts_with("line 1: unexpected text"));
        assert_eq!(
            error_of(Format::Env, "# nothing\n"),
            "the file holds no keys"
        );
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let err = parse(Format::Env, Zeroizing::new(b"A=1\nB=\xff\xfe\n".to_vec())).unwrap_err();
        assert_eq!(err.to_string(), "line 2: the file is not valid UTF-8 text");
    }

    #[test]
    fn json_entries_and_errors_with_lines() {
        let text = "[\n  {\"name\": \"a\", \"secret\": \"s1\", \"scopes\": [\"read\"], \"id\": \"ignored\"},\n  {\"name\": \"b\",\n   \"secret\": \"s2\", \"expires_at\": \"2030-01-01T00:00:00Z\"}\n]";
        let items = parse_str(Format::Json, text).unwrap();
        assert_eq!(items[0].key.scopes, vec!["read"]);
        assert_eq!(items[1].line, 3);
        assert!(items[1].key.expires_at.is_some());
        let missing = "[\n {\"name\": \"a\", \"secret\": \"s\"},\n {\"name\": \"b\"}\n]";
        assert!(
            error_of(Format::Json, missing).starts_with("line 3: missing field `secret`"),
            "{}",
            error_of(Format::Json, missing)
        );
        assert!(error_of(Format::Json, "[\n{\"name\": \"a\",,}\n]").starts_with("line 2:"));
        assert!(
            error_of(Format::Json, "[\n {\"name\":\"a\",\"secret\":\"\"}]")
                .starts_with("line 2: the secret is empty")
        );
        let bad_time = "[{\"name\":\"a\",\"secret\":\"s\",\n\"expires_at\":\"soon\"}]";
        assert!(
            error_of(Format::Json, bad_time).starts_with("line 2:"),
            "{}",
            error_of(Format::Json, bad_time)
        );
    }

    #[test]
    fn csv_with_header_lists_and_errors() {
        let items = parse_str(
            Format::Csv,
            "name,secret,scopes,expires_at\nA,s1,read;write,2030-01-01T00:00:00Z\nB,s2,,\n",
        )
        .unwrap();
        assert_eq!(items[0].key.scopes, vec!["read", "write"]);
        assert_eq!(items[1].line, 3);
        assert!(
            error_of(Format::Csv, "name,value\nA,1\n").starts_with("line 1: the header must name")
        );
        assert!(error_of(Format::Csv, "name,secret\nA,1\nB,2,3\n").starts_with("line 3:"));
        assert!(
            error_of(Format::Csv, "name,secret,expires_at\nA,1,tomorrow\n")
                .starts_with("line 2: `tomorrow`")
        );
        assert!(error_of(Format::Csv, "name,secret\nA,1\nB,\n")
            .starts_with("line 3: the secret is empty"));
    }

    #[test]
    fn format_from_path() {
        assert_eq!(Format::from_path("keys.JSON".as_ref()), Format::Json);
        assert_eq!(Format::from_path("k.csv".as_ref()), Format::Csv);
        assert_eq!(Format::from_path(".env".as_ref()), Format::Env);
    }
}
