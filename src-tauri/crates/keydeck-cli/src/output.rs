//! How results look: tables and lines for people, JSON for scripts.

use std::io::Write;

use keydeck_core::error::{ErrorBody, NextAction};
use keydeck_core::text::{inert, inert_cut};
use keydeck_core::vault::{DoctorReport, ImportPlan, KeyringHealth};
use keydeck_core::{Error, KeyDetail, KeyRecord, Result};
use serde::Serialize;

use crate::stdout::Stdout;

pub fn json<T: Serialize + ?Sized>(value: &T) {
    match crate::json::to_string(value, true) {
        Ok(text) => outln!("{text}"),
        Err(err) => eprintln!("error: cannot write JSON: {err}"),
    }
}

pub fn error(err: &Error, json: bool) {
    error_body(&ErrorBody::from(err), json);
}

/// An error as `error: …` / `hint: …` lines (or JSON) on stderr.
pub fn error_body(body: &ErrorBody, json: bool) {
    error_hinted(body, hint(body), json);
}

/// An error with the hint given (a front end's own next step, not the error's action).
pub fn error_hinted(body: &ErrorBody, hint: Option<String>, json: bool) {
    if json {
        let mut value = serde_json::json!({ "error": body });
        value["error"]["hint"] = hint.into();
        match crate::json::to_string(&value, false) {
            Ok(text) => eprintln!("{text}"),
            Err(err) => eprintln!("error: cannot write JSON: {err}"),
        }
    } else {
        eprintln!("error: {}", inert(&body.message));
        if let Some(hint) = hint {
            eprintln!("hint: {}", inert(&hint));
        }
    }
}

/// What to do next, in the CLI's words (a command to run), with the server's own hint.
pub fn hint(body: &ErrorBody) -> Option<String> {
    let ours = body.action.as_ref().map(next_step);
    let server = body.remote.as_ref().and_then(|r| r.server_hint.clone());
    match (ours, server) {
        (Some(ours), Some(server)) => Some(format!("{ours} (the server says: {server})")),
        (ours, server) => ours.or(server.map(|s| format!("the server says: {s}"))),
    }
}

fn next_step(action: &NextAction) -> String {
    match action {
        NextAction::ListKeys => "run `keydeck list` to see the names and ids in this vault".into(),
        NextAction::ListSources => {
            "run `keydeck source list` to see the sources (the vault itself is `local`)".into()
        }
        NextAction::ChooseAnotherName => {
            "choose another name, or rename the existing key first (`keydeck edit`)".into()
        }
        NextAction::UnlockKeyring => {
            "unlock your login keyring (GNOME Keyring / KWallet / Keychain) and try again".into()
        }
        NextAction::StartKeyring => "keydeck keeps secrets only in the OS keyring: start a \
            Secret Service (e.g. gnome-keyring-daemon) in a D-Bus session and try again; \
            listing still works"
            .into(),
        NextAction::RunDoctor => {
            "run `keydeck doctor` (and `keydeck doctor --repair` for what it can fix)".into()
        }
        NextAction::AddNewKey => "a revoked key cannot be used again; add a new key instead".into(),
        NextAction::SetSecret { key } => format!(
            "set the secret again with `keydeck rotate {key}`, or remove the key; \
             `keydeck doctor` lists all such keys"
        ),
        NextAction::UpdateKeydeck => "update keydeck; nothing was changed".into(),
        NextAction::ChooseHome => {
            "point --home (or KEYDECK_HOME) at a keydeck data directory; nothing was changed".into()
        }
        NextAction::RevealInstead => "keydeck needs a graphical session (X11 or Wayland) to \
            copy; `keydeck reveal` prints the secret instead"
            .into(),
        NextAction::WaitAndRetry {
            seconds: Some(secs),
        } => format!("try again in {secs} s"),
        NextAction::WaitAndRetry { seconds: None } => "try again in a minute".into(),
        remote => remote_step(remote),
    }
}

/// What to do about a remote source, as a command.
fn remote_step(action: &NextAction) -> String {
    match action {
        NextAction::SetToken { source } => format!(
            "give source {source} a token that may list keys: `keydeck source set-token {source}` \
             (on stdin)"
        ),
        NextAction::SyncLater { source } => format!(
            "check the network and the URL; the cached listing is kept. Try again with \
             `keydeck source sync {source}`"
        ),
        NextAction::CheckSource { source } => format!(
            "check the URL, the dialect and (for 004) the user id of source {source} \
             (`keydeck source list`)"
        ),
        NextAction::DetectDialect { source } => format!(
            "the server does not answer in the dialect source {source} was set up with: \
             remove it and add it again with `--dialect detect`"
        ),
        NextAction::AddRevokeTemplate { source } => format!(
            "revoke the key on the server, or add source {source} again with \
             --revoke \"DELETE /path/{{id}}\""
        ),
        NextAction::UseHttps => "use an https:// URL; plain http is allowed only for this \
            machine, or with --allow-insecure (anyone on the network path can read the token \
            and the keys)"
            .into(),
        NextAction::RaiseSyncBudget => "if the listing really is that large, raise \
            sync_max_mib / sync_max_keys / sync_timeout_secs in settings.json; the cached \
            listing is kept"
            .into(),
        NextAction::AskProvider => {
            "the server's account or paging is at fault: ask its provider".into()
        }
        // Worded in next_step.
        other => next_step(other),
    }
}

fn time(t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

pub fn table(records: &[KeyRecord]) -> Result<()> {
    let mut table = Table::new(Stdout::new());
    for record in records {
        table.push(record)?;
    }
    table.finish()
}

/// The key table, printed as keys arrive: one line per key, whatever the names hold (every
/// cell inert, cut at [`CELL`]). Column widths come from the first [`WIDTH_ROWS`] keys, so a
/// table of a million keys starts at once and holds only those; a later, wider cell pushes
/// its line's next columns right instead of being cut.
pub struct Table<W: Write> {
    out: W,
    /// A SOURCE column, for a listing of several sources.
    with_source: bool,
    widths: Option<Vec<usize>>,
    first: Vec<Vec<String>>,
}

/// How many keys set the table's column widths.
const WIDTH_ROWS: usize = 1000;
const HEADER: [&str; 6] = ["NAME", "MASK", "STATUS", "SCOPES", "EXPIRES", "ID"];

impl<W: Write> Table<W> {
    pub fn new(out: W) -> Self {
        Table {
            out,
            with_source: false,
            widths: None,
            first: Vec::new(),
        }
    }

    /// A table with each key's source after its name.
    pub fn with_source(out: W) -> Self {
        Table {
            with_source: true,
            ..Table::new(out)
        }
    }

    pub fn push(&mut self, r: &KeyRecord) -> Result<()> {
        let mut row = vec![
            inert_cut(&r.name, CELL),
            inert_cut(&r.mask, CELL),
            r.status.as_str().to_string(),
            inert_cut(&r.scopes.join(","), CELL),
            time(&r.expires_at),
            inert_cut(&r.id, CELL),
        ];
        if self.with_source {
            // Source names are letters, digits and `-_.`: nothing to make inert.
            row.insert(1, r.source.clone());
        }
        match &self.widths {
            Some(widths) => line(&mut self.out, &row, widths),
            None => {
                self.first.push(row);
                if self.first.len() == WIDTH_ROWS {
                    self.settle()?;
                }
                Ok(())
            }
        }
    }

    pub fn finish(mut self) -> Result<()> {
        if self.widths.is_none() && self.first.is_empty() {
            writeln!(self.out, "no keys here. Add one with `keydeck add NAME` (secret on stdin) or `keydeck add NAME --generate`,")?;
            writeln!(
                self.out,
                "or import a .env file with `keydeck import FILE`."
            )?;
        } else if self.widths.is_none() {
            self.settle()?;
        }
        Ok(self.out.flush()?)
    }

    /// Sets the widths from the keys so far and prints the header and those keys.
    fn settle(&mut self) -> Result<()> {
        let mut header: Vec<String> = HEADER.map(String::from).into();
        if self.with_source {
            header.insert(1, "SOURCE".into());
        }
        let widths = widths(&header, &self.first);
        line(&mut self.out, &header, &widths)?;
        for row in std::mem::take(&mut self.first) {
            line(&mut self.out, &row, &widths)?;
        }
        self.widths = Some(widths);
        Ok(())
    }
}

/// Prints a table whose columns are as wide as their widest cell.
pub fn aligned(out: &mut impl Write, header: &[String], rows: &[Vec<String>]) -> Result<()> {
    let widths = widths(header, rows);
    line(out, header, &widths)?;
    for row in rows {
        line(out, row, &widths)?;
    }
    Ok(())
}

/// Each column's width: its widest cell, header included.
fn widths(header: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    widths
}

/// One line of a table, each cell padded to its column's width.
fn line(out: &mut impl Write, row: &[String], widths: &[usize]) -> Result<()> {
    let cells: Vec<String> = row
        .iter()
        .zip(widths)
        .map(|(cell, &w)| format!("{cell:<w$}"))
        .collect();
    writeln!(out, "{}", cells.join("  ").trim_end())?;
    Ok(())
}

/// The widest a table cell gets, in characters.
const CELL: usize = 48;

/// Until when a previous secret stays revealable, for `show`.
fn previous(until: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    until.map_or_else(String::new, |until| {
        format!(
            "kept until {} (reveal --previous)",
            until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    })
}

pub fn detail(d: &KeyDetail) {
    let r = &d.record;
    let lines = [
        ("name", r.name.clone()),
        ("id", r.id.clone()),
        ("mask", r.mask.clone()),
        ("status", r.status.as_str().to_string()),
        ("source", r.source.clone()),
        ("scopes", r.scopes.join(", ")),
        ("tags", r.tags.join(", ")),
        ("env", r.env.clone().unwrap_or_default()),
        ("owner", r.owner.clone().unwrap_or_default()),
        ("created", time(&r.created_at)),
        ("updated", time(&r.updated_at)),
        ("last used", time(&r.last_used_at)),
        ("expires", time(&r.expires_at)),
        ("revoked", time(&r.revoked_at)),
        ("reason", r.revoke_reason.clone().unwrap_or_default()),
        ("notes", d.notes.clone().unwrap_or_default()),
        ("previous", previous(&d.previous_until)),
    ];
    for (label, value) in lines {
        if !value.is_empty() && value != "-" {
            outln!("{label:>10}: {}", inert(&value));
        }
    }
    for (field, value) in &r.details {
        let value = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        outln!("{:>10}: {}", inert(field), inert_cut(&value, 2000));
    }
    if d.history.is_empty() {
        return;
    }
    outln!("{:>10}:", "history");
    for event in &d.history {
        let detail = event
            .detail
            .as_deref()
            .map(|d| format!(" ({})", inert(d)))
            .unwrap_or_default();
        outln!(
            "{:>10}  {} {}{detail}",
            "",
            time(&Some(event.at)),
            event.kind
        );
    }
}

pub fn import_plan(plan: &ImportPlan) {
    let verb = if plan.dry_run {
        "would import"
    } else {
        "imported"
    };
    outln!(
        "{verb} {} key(s), skipped {}",
        plan.added.len(),
        plan.skipped.len()
    );
    for key in &plan.added {
        let name = inert(&key.name);
        match &key.renamed_from {
            Some(from) => outln!(
                "  + {name} (line {}, renamed from {})",
                key.line,
                inert(from)
            ),
            None => outln!("  + {name} (line {})", key.line),
        }
    }
    for key in &plan.skipped {
        outln!(
            "  = {} (line {}, already exists)",
            inert(&key.name),
            key.line
        );
    }
    if !plan.left_out.is_empty() {
        outln!(
            "left out {} entries that are not keys:",
            plan.left_out.len()
        );
    }
    for entry in &plan.left_out {
        outln!(
            "  - {} (line {}: {})",
            inert(&entry.name),
            entry.line,
            entry.why
        );
    }
}

pub fn doctor(report: &DoctorReport) {
    outln!("vault:     {}", report.vault);
    outln!(
        "schema:    version {} (this keydeck understands up to {})",
        report.schema_version,
        report.supported_schema_version
    );
    outln!("integrity: {}", report.integrity);
    outln!("keys:      {}", report.keys);
    let keyring = match &report.keyring {
        KeyringHealth::Ok => "ok".to_string(),
        KeyringHealth::OkNoSearch => {
            "ok (checked key by key; this platform cannot search for orphans)".into()
        }
        KeyringHealth::Locked { message } => format!("locked: {message}"),
        KeyringHealth::Unavailable { message } => format!("unavailable: {message}"),
        KeyringHealth::Error { message } => format!("error: {message}"),
    };
    outln!("keyring:   {}", inert(&keyring));
    outln!(
        "           items are user {}/<item>, service keydeck",
        report.vault_id
    );
    for item in &report.missing_secrets {
        outln!(
            "problem:   {} has no secret in the keyring; set one (`keydeck rotate`, `keydeck source set-token`) or remove it",
            inert(item)
        );
    }
    for item in &report.revoked_with_secret {
        outln!(
            "problem:   revoked key {} still has a secret in the keyring (`doctor --repair` deletes it)",
            inert(item)
        );
    }
    for item in &report.orphan_secrets {
        outln!(
            "problem:   orphan secret {}: nothing refers to it (an interrupted add, import, rotate or delete; `doctor --repair` deletes it)",
            inert(item)
        );
    }
    for line in &report.repaired {
        outln!("repaired:  {}", inert(line));
    }
    outln!(
        "{}",
        if report.healthy {
            "healthy"
        } else {
            "not healthy"
        }
    );
}
