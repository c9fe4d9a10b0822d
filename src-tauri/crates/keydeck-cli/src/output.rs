//! How results look: tables and lines for people, JSON for scripts.

use keydeck_core::error::ErrorBody;
use keydeck_core::vault::{DoctorReport, ImportPlan, KeyringHealth};
use keydeck_core::{Error, KeyDetail, KeyRecord};
use serde::Serialize;

pub fn json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("error: cannot write JSON: {err}"),
    }
}

pub fn error(err: &Error, json: bool) {
    let body = ErrorBody::from(err);
    if json {
        eprintln!("{}", serde_json::json!({ "error": body }));
    } else {
        eprintln!("error: {}", one_line(&body.message));
        if let Some(hint) = body.hint {
            eprintln!("hint: {hint}");
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn time(t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

pub fn table(records: &[KeyRecord]) {
    if records.is_empty() {
        println!("no keys here. Add one with `keydeck add NAME` (secret on stdin) or `keydeck add NAME --generate`,");
        println!("or import a .env file with `keydeck import FILE`.");
        return;
    }
    let rows: Vec<[String; 6]> = records
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.mask.clone(),
                r.status.as_str().to_string(),
                r.scopes.join(","),
                time(&r.expires_at),
                r.id.clone(),
            ]
        })
        .collect();
    let header = ["NAME", "MASK", "STATUS", "SCOPES", "EXPIRES", "ID"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count()).min(48);
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| {
                let cell: String = cell.chars().take(w).collect();
                format!("{cell:<w$}")
            })
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
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
    ];
    for (label, value) in lines {
        if !value.is_empty() && value != "-" {
            println!("{label:>10}: {value}");
        }
    }
    for (field, value) in &r.details {
        let value = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        println!("{field:>10}: {value}");
    }
    if d.history.is_empty() {
        return;
    }
    println!("{:>10}:", "history");
    for event in &d.history {
        let detail = event
            .detail
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        println!(
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
    println!(
        "{verb} {} key(s), skipped {}",
        plan.added.len(),
        plan.skipped.len()
    );
    for key in &plan.added {
        match &key.renamed_from {
            Some(from) => println!("  + {} (line {}, renamed from {from})", key.name, key.line),
            None => println!("  + {} (line {})", key.name, key.line),
        }
    }
    for key in &plan.skipped {
        println!("  = {} (line {}, already exists)", key.name, key.line);
    }
}

pub fn doctor(report: &DoctorReport) {
    println!("vault:     {}", report.vault);
    println!(
        "schema:    version {} (this keydeck understands up to {})",
        report.schema_version, report.supported_schema_version
    );
    println!("integrity: {}", report.integrity);
    println!("keys:      {}", report.keys);
    let keyring = match &report.keyring {
        KeyringHealth::Ok => "ok".to_string(),
        KeyringHealth::OkNoSearch => {
            "ok (checked key by key; this platform cannot search for orphans)".into()
        }
        KeyringHealth::Locked { message } => format!("locked: {message}"),
        KeyringHealth::Unavailable { message } => format!("unavailable: {message}"),
        KeyringHealth::Error { message } => format!("error: {message}"),
    };
    println!("keyring:   {keyring}");
    for id in &report.missing_secrets {
        println!("problem:   key {id} has no secret in the keyring; set one with `keydeck rotate {id}` or remove it");
    }
    for id in &report.revoked_with_secret {
        println!("problem:   revoked key {id} still has a secret in the keyring (`doctor --repair` deletes it)");
    }
    for id in &report.orphan_secrets {
        println!("problem:   orphan secret {id}: no key row (an interrupted add, import or delete; `doctor --repair` deletes it)");
    }
    for line in &report.repaired {
        println!("repaired:  {line}");
    }
    println!(
        "{}",
        if report.healthy {
            "healthy"
        } else {
            "not healthy"
        }
    );
}
