//! The exports of the managers people come to keydeck from: KeePassXC's CSV, Bitwarden's
//! unencrypted JSON and CSV, 1Password's CSV. Each entry's title is the key's name and its
//! password the secret; its folder or group, tags, username, URL and notes are kept as tags
//! and notes. An entry without a password (a secure note, a card) is left out and said so,
//! not fatal: it is not an API key keydeck can hold.

use serde::Deserialize;

use crate::exchange::{line_of, Format, ImportItem};
use crate::{Error, NewKey, Result, Secret};

/// An entry of the file that is not imported, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeftOut {
    pub line: usize,
    pub name: String,
    pub why: String,
}

/// What a file holds: the keys to import, and the entries left out.
#[derive(Debug, Default)]
pub struct Parsed {
    pub items: Vec<ImportItem>,
    pub left_out: Vec<LeftOut>,
}

/// keydeck's own formats leave nothing out.
impl From<Vec<ImportItem>> for Parsed {
    fn from(items: Vec<ImportItem>) -> Self {
        Parsed {
            items,
            left_out: Vec::new(),
        }
    }
}

/// One entry as a manager exports it, before it is a key.
#[derive(Default)]
struct Entry {
    line: usize,
    title: String,
    password: String,
    group: Option<String>,
    tags: Vec<String>,
    username: Option<String>,
    url: Option<String>,
    notes: Option<String>,
}

/// The format a file's contents show, for a file imported without `--format`: a manager's
/// CSV by its header, Bitwarden's JSON by its `items`, else by the extension.
pub fn detect(path: &std::path::Path, bytes: &[u8]) -> Format {
    let by_name = Format::from_path(path);
    let found = |text: &[u8]| bytes.windows(text.len()).any(|w| w == text);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let header = head
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let has = |columns: &[&str]| {
        columns
            .iter()
            .all(|c| header.split(',').any(|h| h.trim().trim_matches('"') == *c))
    };
    match by_name {
        // Bitwarden's `items` may come after many folders: the whole file is searched.
        Format::Json if found(b"\"items\"") && found(b"\"encrypted\"") => Format::BitwardenJson,
        Format::Csv if has(&["login_password", "login_uri"]) => Format::BitwardenCsv,
        Format::Csv if has(&["group", "title", "password"]) => Format::Keepassxc,
        Format::Csv if has(&["title", "password", "otpauth"]) => Format::Onepassword,
        other => other,
    }
}

/// Reads a manager's export (see the module's comment).
pub fn parse_manager(format: Format, text: &str) -> Result<Parsed> {
    let entries = match format {
        Format::BitwardenJson => bitwarden_json(text)?,
        Format::Keepassxc => csv_entries(text, &KEEPASSXC)?,
        Format::BitwardenCsv => csv_entries(text, &BITWARDEN_CSV)?,
        Format::Onepassword => csv_entries(text, &ONEPASSWORD)?,
        Format::Env | Format::Json | Format::Csv => unreachable!("keydeck's own formats"),
    };
    let mut parsed = Parsed::default();
    for entry in entries {
        let (line, name) = (entry.line, entry.title.trim().to_string());
        let why = if name.is_empty() {
            Some("it has no title to name the key")
        } else if entry.password.is_empty() {
            Some("it has no password to be the key's secret")
        } else {
            None
        };
        if let Some(why) = why {
            parsed.left_out.push(LeftOut {
                line,
                name,
                why: why.into(),
            });
            continue;
        }
        let mut entry = entry;
        let secret = Secret::new(std::mem::take(&mut entry.password))
            .map_err(|e| Error::InvalidInput(format!("line {line}: {e}")))?;
        parsed.items.push(ImportItem {
            line,
            secret,
            key: key_of(entry, name),
        });
    }
    Ok(parsed)
}

fn key_of(entry: Entry, name: String) -> NewKey {
    let notes: Vec<String> = [
        entry.username.map(|u| format!("Username: {u}")),
        entry.url.map(|u| format!("URL: {u}")),
        entry.notes,
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut tags = entry.tags;
    tags.extend(entry.group);
    tags.dedup();
    NewKey {
        name,
        tags,
        notes: (!notes.is_empty()).then(|| notes.join("\n")),
        ..NewKey::default()
    }
}

/// Which column holds what, by header name (matched case aside).
struct Columns {
    title: &'static str,
    password: &'static str,
    group: Option<&'static str>,
    tags: Option<&'static str>,
    username: &'static str,
    url: &'static str,
    notes: &'static str,
}

/// KeePassXC: Group, Title, Username, Password, URL, Notes, TOTP, Icon, Last Modified,
/// Created (the group is a path from Root).
const KEEPASSXC: Columns = Columns {
    title: "title",
    password: "password",
    group: Some("group"),
    tags: None,
    username: "username",
    url: "url",
    notes: "notes",
};

/// Bitwarden: folder, favorite, type, name, notes, fields, reprompt, login_uri,
/// login_username, login_password, login_totp.
const BITWARDEN_CSV: Columns = Columns {
    title: "name",
    password: "login_password",
    group: Some("folder"),
    tags: None,
    username: "login_username",
    url: "login_uri",
    notes: "notes",
};

/// 1Password 8: Title, Url, Username, Password, OTPAuth, Favorite, Archived, Tags, Notes.
const ONEPASSWORD: Columns = Columns {
    title: "title",
    password: "password",
    group: None,
    tags: Some("tags"),
    username: "username",
    url: "url",
    notes: "notes",
};

fn csv_entries(text: &str, columns: &Columns) -> Result<Vec<Entry>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::InvalidInput(format!("line 1: {e}")))?
        .clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(title), Some(password)) = (find(columns.title), find(columns.password)) else {
        return Err(Error::InvalidInput(format!(
            "line 1: the header must name the columns `{}` and `{}`",
            columns.title, columns.password
        )));
    };
    let (group, tags) = (columns.group.and_then(find), columns.tags.and_then(find));
    let (username, url, notes) = (
        find(columns.username),
        find(columns.url),
        find(columns.notes),
    );
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Error::InvalidInput(format!("line {line}: {e}"))
        })?;
        let field = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        entries.push(Entry {
            line: record.position().map_or(0, |p| p.line() as usize),
            title: field(Some(title)).unwrap_or_default(),
            password: record.get(password).unwrap_or_default().to_string(),
            group: field(group).and_then(|g| folder_tag(&g)),
            tags: field(tags).map(|t| split_tags(&t)).unwrap_or_default(),
            username: field(username),
            url: field(url),
            notes: field(notes),
        });
    }
    Ok(entries)
}

/// A group path's last part (`Root/Work/API` → `API`); KeePassXC's `Root` alone is none.
fn folder_tag(group: &str) -> Option<String> {
    let last = group.rsplit('/').next().unwrap_or(group).trim();
    (!last.is_empty() && last != "Root").then(|| last.to_string())
}

fn split_tags(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

#[derive(Deserialize)]
struct BitwardenExport<'a> {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    folders: Vec<BitwardenFolder>,
    #[serde(borrow)]
    items: Vec<&'a serde_json::value::RawValue>,
}

#[derive(Deserialize)]
struct BitwardenFolder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BitwardenItem {
    #[serde(default)]
    name: String,
    folder_id: Option<String>,
    notes: Option<String>,
    login: Option<BitwardenLogin>,
}

#[derive(Deserialize)]
struct BitwardenLogin {
    username: Option<String>,
    password: Option<String>,
    #[serde(default)]
    uris: Vec<BitwardenUri>,
}

#[derive(Deserialize)]
struct BitwardenUri {
    uri: Option<String>,
}

/// Bitwarden's JSON export: `{encrypted, folders, items}`; only a login carries a password.
fn bitwarden_json(text: &str) -> Result<Vec<Entry>> {
    let export: BitwardenExport = serde_json::from_str(text)
        .map_err(|e| Error::InvalidInput(format!("line {}: {e}", e.line())))?;
    if export.encrypted {
        return Err(Error::InvalidInput(
            "this Bitwarden export is encrypted: export again as JSON (not encrypted) to import it"
                .into(),
        ));
    }
    let mut entries = Vec::with_capacity(export.items.len());
    for raw in export.items {
        let line = line_of(
            text.as_bytes(),
            raw.get().as_ptr() as usize - text.as_ptr() as usize,
        );
        let item: BitwardenItem = serde_json::from_str(raw.get())
            .map_err(|e| Error::InvalidInput(format!("line {line}: {e}")))?;
        let folder = item.folder_id.and_then(|id| {
            let folder = export.folders.iter().find(|f| f.id == id)?;
            folder_tag(&folder.name)
        });
        let login = item.login;
        let url = login
            .as_ref()
            .and_then(|l| l.uris.iter().find_map(|u| u.uri.clone()));
        entries.push(Entry {
            line,
            title: item.name,
            username: login
                .as_ref()
                .and_then(|l| l.username.clone())
                .filter(|u| !u.is_empty()),
            password: login.and_then(|l| l.password).unwrap_or_default(),
            group: folder,
            url,
            notes: item.notes.filter(|n| !n.trim().is_empty()),
            ..Entry::default()
        });
    }
    Ok(entries)
}
