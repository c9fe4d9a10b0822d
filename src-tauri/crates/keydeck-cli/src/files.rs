//! The subcommands on files and the vault as a whole: import, export, backup, doctor.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use keydeck_core::exchange::{self, CsvExport, Format};
use keydeck_core::vault::{KeyringHealth, OnDuplicate, OnStored};
use keydeck_core::{Error, Keydeck, Result};
use zeroize::Zeroizing;

use crate::output;
use crate::stdout::{JsonArray, Stdout};

pub async fn import(
    kd: &Keydeck,
    file: &Path,
    format: Option<Format>,
    dry_run: bool,
    on_duplicate: OnDuplicate,
    json: bool,
) -> Result<()> {
    let bytes = Zeroizing::new(
        std::fs::read(file)
            .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", file.display())))?,
    );
    let format = format.unwrap_or_else(|| exchange::detect(file, &bytes));
    let exchange::Parsed { items, left_out } = exchange::parse(format, bytes)?;
    // On a terminal, how far the keyring got: it may rewrite its whole file per secret, so
    // thousands of keys take minutes.
    let shown = Arc::new(AtomicBool::new(false));
    let on_stored: OnStored = if std::io::stderr().is_terminal() && !json {
        let shown = Arc::clone(&shown);
        Box::new(move |stored, of| {
            shown.store(true, Ordering::Relaxed);
            eprint!("\rstoring secrets in the keyring: {stored}/{of}");
        })
    } else {
        Box::new(|_, _| {})
    };
    let plan = kd
        .vault()
        .import_reporting(items, on_duplicate, dry_run, on_stored)
        .await;
    if shown.load(Ordering::Relaxed) {
        eprintln!(); // the progress line ends before the plan or the error
    }
    let mut plan = plan?;
    plan.left_out = left_out;
    if json {
        output::json(&plan);
    } else {
        output::import_plan(&plan);
    }
    Ok(())
}

/// Writes the export as the vault reads it (flat memory at any size), to stdout or to a new
/// owner-only file that is removed again if the export fails halfway.
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
    let Some(path) = to else {
        return write_export(kd, format, include_secrets, Stdout::new()).await;
    };
    // Created readable by its owner only, and never replacing a file.
    let file = std::io::BufWriter::new(keydeck_core::vault::private_file(&path)?);
    let written = write_export(kd, format, include_secrets, file).await;
    if written.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    written
}

async fn write_export(
    kd: &Keydeck,
    format: &str,
    include_secrets: bool,
    out: impl Write,
) -> Result<()> {
    if format == "csv" {
        let mut csv = CsvExport::new(out, include_secrets)?;
        kd.vault()
            .export_each(include_secrets, |item| csv.push(&item))
            .await?;
        csv.finish()
    } else {
        let mut array = JsonArray::new(out);
        kd.vault()
            .export_each(include_secrets, |item| Ok(array.push(&item)?))
            .await?;
        array.finish()?;
        Ok(())
    }
}

pub async fn backup(kd: &Keydeck, file: &Path, json: bool) -> Result<()> {
    let bytes = kd.vault().backup(file).await?;
    if json {
        output::json(&serde_json::json!({ "backup": file, "bytes": bytes }));
    } else {
        outln!(
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
