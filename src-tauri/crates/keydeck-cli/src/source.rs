//! `keydeck source …` and `keydeck list --source NAME`: remote sources, their sync, and
//! their cached listings when the server cannot be reached.

use std::process::ExitCode;

use chrono::Utc;
use keydeck_core::error::ErrorBody;
use std::io::IsTerminal;

use keydeck_core::remote::client::OnProgress;
use keydeck_core::remote::{CancellationToken, Client, SyncProgress, SyncWatch};
use keydeck_core::text::{inert, inert_cut};
use keydeck_core::vault::{SourceInfo, SourceSpec, SyncReport};
use keydeck_core::{KeyRecord, ListQuery, Result, Vault};
use serde::Serialize;

use crate::commands::read_secret;
use crate::{exit_code, output, SourceCommand};

/// A remote source's listing, as `list --source NAME --json` prints it.
#[derive(Serialize)]
struct SourceListing {
    source: String,
    /// What the listing is as of.
    synced_at: Option<chrono::DateTime<Utc>>,
    /// The server could not be listed just now: these keys are the cached listing.
    stale: bool,
    error: Option<ErrorBody>,
    keys: Vec<KeyRecord>,
}

pub async fn run(
    vault: &Vault,
    client: &Client,
    command: SourceCommand,
    json: bool,
) -> Result<ExitCode> {
    match command {
        SourceCommand::Add {
            name,
            url,
            dialect,
            user_id,
            auth_header,
            auth_scheme,
            revoke,
            allow_insecure,
            no_sync,
        } => {
            let dialect = match dialect.as_str() {
                "detect" => None,
                other => Some(other.parse()?),
            };
            let credential = read_secret(
                &format!("token for source {name}"),
                &format!("keydeck source add {name} --url … --dialect …"),
            )?;
            if allow_insecure && !json {
                eprintln!(
                    "warning: --allow-insecure: over plain http anyone on the network path can read \
                     the token and the keys of source {name}"
                );
            }
            let spec = SourceSpec {
                name: name.clone(),
                url,
                dialect,
                auth_header,
                auth_scheme,
                user_id,
                revoke_template: revoke,
                allow_insecure,
            };
            let (info, detection) = vault.add_source(spec, credential, client).await?;
            if !json {
                println!(
                    "added source {} (dialect {}, {})",
                    info.name, info.dialect, info.url
                );
                if let Some(found) = &detection {
                    println!(
                        "detected dialect {}: {}",
                        found.dialect,
                        inert(&found.reason)
                    );
                }
            }
            let synced = if no_sync {
                None
            } else {
                Some(sync(vault, client, &name).await)
            };
            if json {
                output::json(&serde_json::json!({
                    "source": vault.source(&name).await?,
                    "detected": detection.map(|d| serde_json::json!({"dialect": d.dialect, "reason": d.reason, "tried": d.tried})),
                }));
            }
            match synced {
                Some(Ok(report)) if !json => {
                    println!("synced {}: {} keys", report.source, report.keys)
                }
                Some(Err(err)) => {
                    output::error(&err, json);
                    eprintln!("note: the source was added; fix the problem and run `keydeck source sync {name}`");
                    return Ok(exit_code(err.code()));
                }
                _ => {}
            }
        }
        SourceCommand::List => {
            let sources = vault.sources().await?;
            if json {
                output::json(&sources);
            } else {
                table(&sources);
            }
        }
        SourceCommand::Sync { name, all } => {
            let names = match name {
                Some(name) if !all => vec![vault.source(&name).await?.name],
                _ => vault.sources().await?.into_iter().map(|s| s.name).collect(),
            };
            let mut failed = None;
            let mut reports = Vec::new();
            for name in names {
                match sync(vault, client, &name).await {
                    Ok(report) => {
                        if !json {
                            println!("synced {}: {} keys", report.source, report.keys);
                        }
                        reports.push(serde_json::json!({"source": name, "keys": report.keys, "synced_at": report.synced_at}));
                    }
                    Err(err) => {
                        output::error(&err, json);
                        reports.push(
                            serde_json::json!({"source": name, "error": ErrorBody::from(&err)}),
                        );
                        failed = Some(exit_code(err.code()));
                    }
                }
            }
            if json {
                output::json(&reports);
            }
            if let Some(code) = failed {
                return Ok(code);
            }
        }
        SourceCommand::SetToken { name } => {
            vault.source(&name).await?;
            let credential = read_secret(
                &format!("new token for source {name}"),
                &format!("keydeck source set-token {name}"),
            )?;
            vault.set_source_token(&name, credential).await?;
            if !json {
                println!("updated the token of source {name}");
            }
        }
        SourceCommand::Rm { name } => {
            let info = vault.remove_source(&name).await?;
            if json {
                output::json(&info);
            } else {
                println!(
                    "removed source {} and its {} cached keys",
                    info.name, info.key_count
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists a remote source: fresh when the server answers, else its cached listing, marked
/// stale with why and how old it is.
pub async fn list(
    vault: &Vault,
    client: &Client,
    name: &str,
    query: &ListQuery,
    json: bool,
) -> Result<ExitCode> {
    vault.source(name).await?;
    let error = sync(vault, client, name).await.err();
    let info = vault.source(name).await?;
    let keys = vault.list(query).await?;
    if json {
        output::json(&SourceListing {
            source: info.name.clone(),
            synced_at: info.synced_at,
            stale: error.is_some(),
            error: error.as_ref().map(ErrorBody::from),
            keys,
        });
    } else {
        output::table(&keys);
    }
    if let Some(err) = &error {
        let age = match info.synced_at {
            Some(at) => format!("as of {} ({})", at.format("%Y-%m-%d %H:%M UTC"), ago(at)),
            None => "never synced".into(),
        };
        eprintln!(
            "warning: source {name} could not be listed now; this is its cached listing, {age}"
        );
        if !json {
            output::error(err, false);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Syncs a source with Ctrl+C as its Cancel, and a progress line on a terminal.
async fn sync(vault: &Vault, client: &Client, name: &str) -> Result<SyncReport> {
    let on_terminal = std::io::stderr().is_terminal();
    let watch = SyncWatch {
        cancel: CancellationToken::new(),
        progress: on_terminal.then(|| {
            Box::new(|p: &SyncProgress| {
                // Source names are letters, digits and `-_.`: nothing to make inert.
                eprint!(
                    "\r\x1b[2Ksyncing {}: page {}, {} keys",
                    p.source, p.pages, p.keys
                )
            }) as OnProgress
        }),
    };
    let cancel = watch.cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    let outcome = vault.sync_source_watched(name, client, &watch).await;
    interrupt.abort();
    if on_terminal {
        eprint!("\r\x1b[2K");
    }
    outcome
}

fn ago(at: chrono::DateTime<Utc>) -> String {
    let secs = (Utc::now() - at).num_seconds().max(0);
    match secs {
        0..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

fn table(sources: &[SourceInfo]) {
    if sources.is_empty() {
        println!("no remote sources. Add one with `keydeck source add NAME --url URL --dialect detect` (token on stdin),");
        println!("or try `keydeck serve --dialect 002` as a demo server.");
        return;
    }
    println!(
        "{:<16} {:<7} {:>5}  {:<24} URL",
        "NAME", "DIALECT", "KEYS", "STATE"
    );
    for s in sources {
        let state = match (&s.last_error, s.synced_at) {
            (Some(err), _) => match &err.remote {
                Some(remote) => format!("error: {}", remote.kind),
                None => format!("error: {}", err.code),
            },
            (None, Some(at)) => format!("synced {}", ago(at)),
            (None, None) => "never synced".into(),
        };
        println!(
            "{:<16} {:<7} {:>5}  {:<24} {}",
            s.name,
            s.dialect.as_str(),
            s.key_count,
            inert_cut(&state, 24),
            inert(&s.url)
        );
    }
}
