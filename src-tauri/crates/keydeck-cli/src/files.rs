//! The subcommands on files and the vault as a whole: import, export, backup, doctor.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use keydeck_core::exchange::{self, Format};
use keydeck_core::vault::{KeyringHealth, OnDuplicate};
use keydeck_core::{Error, Keydeck, Result};
use zeroize::Zeroizing;

use crate::output;

pub async fn import(
    kd: &Keydeck,
    file: &Path,
    format: Option<Format>,
    dry_run: bool,
    on_duplicate: OnDuplicate,
    json: bool,
) -> Result<()> {
    let format = format.unwrap_or_else(|| Format::from_path(file));
    let bytes = Zeroizing::new(
        std::fs::read(file)
            .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", file.display())))?,
    );
    let plan = kd
        .vault()
        .import(exchange::parse(format, bytes)?, on_duplicate, dry_run)
        .await?;
    if json {
        output::json(&plan);
    } else {
        output::import_plan(&plan);
    }
    Ok(())
}

pub async fn export(
    kd: &Keydeck,
    format: &str,
    include_secrets: bool,
    to: Option<PathBuf>,
) -> Result<()> {
    if include_secrets {
        eprintln!(
            "warning: this export holds every secret in plain text; keep it out of shells' \
             history, shared folders and backups, and delete it when done"
        );
    }
    // A file is created readable by its owner only, and never replaces one.
    let mut out: Box<dyn Write> = match &to {
        Some(path) => Box::new(std::io::BufWriter::new(keydeck_core::vault::private_file(
            path,
        )?)),
        None => Box::new(std::io::stdout().lock()),
    };
    let items = kd.vault().export(include_secrets).await?;
    if format == "csv" {
        exchange::write_csv(&items, include_secrets, &mut out)?;
    } else {
        serde_json::to_writer_pretty(&mut out, &items).map_err(|e| Error::Io(e.to_string()))?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

pub async fn backup(kd: &Keydeck, file: &Path, json: bool) -> Result<()> {
    let bytes = kd.vault().backup(file).await?;
    if json {
        output::json(&serde_json::json!({ "backup": file, "bytes": bytes }));
    } else {
        println!(
            "backed up the vault to {} ({bytes} bytes); the secrets stay in the OS keyring \
             and are not in this file",
            file.display()
        );
    }
    Ok(())
}

/// Exit 0 when healthy, 4 when the keyring cannot be reached, 1 otherwise.
pub async fn doctor(kd: &Keydeck, repair: bool, json: bool) -> Result<ExitCode> {
    let report = kd.vault().doctor(repair).await?;
    if json {
        output::json(&report);
    } else {
        output::doctor(&report);
    }
    Ok(match report.keyring {
        _ if report.healthy => ExitCode::SUCCESS,
        KeyringHealth::Locked { .. } | KeyringHealth::Unavailable { .. } => ExitCode::from(4),
        _ => ExitCode::FAILURE,
    })
}
