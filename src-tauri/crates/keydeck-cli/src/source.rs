//! `keydeck source …` and `keydeck list --source NAME`: remote sources, their sync (with
//! Ctrl+C as its Cancel and a progress line on a terminal), and their cached listings when
//! the server cannot be reached.

use std::io::IsTerminal;
use std::process::ExitCode;

use chrono::Utc;
use keydeck_core::error::ErrorBody;
use keydeck_core::remote::client::OnProgress;
use keydeck_core::remote::{CancellationToken, SyncProgress, SyncWatch};
use keydeck_core::text::{inert, inert_cut};
use keydeck_core::vault::{SourceInfo, SourceSpec};
use keydeck_core::{Connected, Error, Keydeck, ListQuery, Result};

use crate::input::read_secret;
use crate::stdout::Stdout;
use crate::{exit_code, keys, output, SourceCommand};

pub async fn run(kd: &Keydeck, command: SourceCommand, json: bool) -> Result<ExitCode> {
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
            let spec = SourceSpec {
                name,
                url,
                dialect: (dialect != "detect").then(|| dialect.parse()).transpose()?,
                auth_header,
                auth_scheme,
                user_id,
                revoke_template: revoke,
                allow_insecure,
            };
            add(kd, spec, no_sync, json).await
        }
        SourceCommand::List => list_sources(kd, json).await,
        SourceCommand::Sync { name, all } => sync_sources(kd, name.filter(|_| !all), json).await,
        SourceCommand::Edit {
            name,
            url,
            dialect,
            user_id,
            auth_header,
            auth_scheme,
            revoke,
            allow_insecure,
        } => {
            let mut spec = kd.vault().source(&name).await?.spec();
            let set = |field: &mut Option<String>, given: Option<String>| {
                if let Some(given) = given {
                    *field = Some(given);
                }
            };
            spec.url = url.unwrap_or(spec.url);
            if let Some(dialect) = dialect {
                spec.dialect = (dialect != "detect").then(|| dialect.parse()).transpose()?;
            }
            set(&mut spec.user_id, user_id);
            set(&mut spec.auth_header, auth_header);
            match auth_scheme.as_deref() {
                Some("default") => spec.auth_scheme = None,
                _ => set(&mut spec.auth_scheme, auth_scheme),
            }
            set(&mut spec.revoke_template, revoke);
            spec.allow_insecure = allow_insecure.unwrap_or(spec.allow_insecure);
            let checked = kd.edit_source(&name, spec, None, &watch()).await;
            saved_or_refused(checked, &name, "changed", json)
        }
        SourceCommand::SetToken { name, no_sync } => set_token(kd, &name, no_sync, json).await,
        SourceCommand::Rm { name } => remove(kd, &name, json).await,
    }
}

async fn add(kd: &Keydeck, spec: SourceSpec, no_sync: bool, json: bool) -> Result<ExitCode> {
    let name = spec.name.clone();
    let token = read_secret(
        &format!("token for source {}", inert(&name)),
        "keydeck source add NAME --url … --dialect …",
    )?;
    if spec.allow_insecure && !json {
        eprintln!(
            "warning: --allow-insecure: over plain http anyone on the network path can read \
             the token and the keys of this source"
        );
    }
    let watch = watch();
    let connected = kd
        .connect_source(spec, token, (!no_sync).then_some(&watch))
        .await;
    saved_or_refused(connected, &name, "added", json)
}

/// Says what was saved and how its listing went; a source (or a change) its server refused
/// says that nothing was saved.
fn saved_or_refused(
    connected: Result<Connected>,
    name: &str,
    done: &str,
    json: bool,
) -> Result<ExitCode> {
    let connected = match connected {
        Ok(connected) => connected,
        Err(err @ (Error::Remote(_) | Error::Cancelled(_))) => {
            // The error's own action (set the token of a source…) would name a source that
            // was never saved: the step is to run this command again, corrected.
            let body = ErrorBody {
                action: None,
                ..ErrorBody::from(&err)
            };
            let server = body.remote.as_ref().and_then(|r| r.server_hint.clone());
            let mut note = format!(
                "nothing was saved: keydeck lists a source before saving it; check the URL, \
                 dialect and token{}",
                if done == "added" {
                    " (or add it with --no-sync to save it unchecked)"
                } else {
                    ""
                }
            );
            if let Some(server) = server {
                note.push_str(&format!("; the server says: {server}"));
            }
            output::error_hinted(&body, Some(note), json);
            return Ok(exit_code(err.code()));
        }
        Err(err) => return Err(err),
    };
    let detection = connected
        .detection
        .map(|d| serde_json::json!({ "dialect": d.dialect, "reason": d.reason, "tried": d.tried }));
    if json {
        output::json(&serde_json::json!({ "source": connected.source, "detected": detection }));
        return Ok(ExitCode::SUCCESS);
    }
    let s = &connected.source;
    outln!(
        "{done} source {name} (dialect {}, {})",
        s.dialect,
        inert(&s.url)
    );
    if let Some(found) = &detection {
        outln!(
            "detected dialect {}: {}",
            found["dialect"].as_str().unwrap_or("?"),
            inert(found["reason"].as_str().unwrap_or(""))
        );
    }
    if let Some(report) = &connected.synced {
        outln!("synced {}: {} keys", report.source, report.keys);
    }
    Ok(ExitCode::SUCCESS)
}

async fn list_sources(kd: &Keydeck, json: bool) -> Result<ExitCode> {
    let sources = kd.vault().sources().await?;
    if json {
        output::json(&sources);
    } else {
        table(&sources)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Syncs one source, or every source; the exit code is the last failure's.
async fn sync_sources(kd: &Keydeck, name: Option<String>, json: bool) -> Result<ExitCode> {
    let names = match name {
        Some(name) => vec![kd.vault().source(&name).await?.name],
        None => kd
            .vault()
            .sources()
            .await?
            .into_iter()
            .map(|s| s.name)
            .collect(),
    };
    let (mut failed, mut reports) = (None, Vec::new());
    for name in names {
        match kd.sync(&name, &watch()).await.map(drop) {
            Ok(()) => {
                let info = kd.vault().source(&name).await?;
                if !json {
                    outln!("synced {}: {} keys", info.name, info.key_count);
                }
                reports.push(serde_json::json!({"source": name, "keys": info.key_count, "synced_at": info.synced_at}));
            }
            Err(err) => {
                output::error(&err, json);
                reports.push(serde_json::json!({"source": name, "error": ErrorBody::from(&err)}));
                failed = Some(exit_code(err.code()));
            }
        }
    }
    if json {
        output::json(&reports);
    }
    Ok(failed.unwrap_or(ExitCode::SUCCESS))
}

/// Replaces a source's token with one its server accepts (or, unchecked, as given).
async fn set_token(kd: &Keydeck, name: &str, no_sync: bool, json: bool) -> Result<ExitCode> {
    kd.vault().source(name).await?;
    let token = read_secret(
        &format!("new token for source {name}"),
        &format!("keydeck source set-token {name}"),
    )?;
    let watch = watch();
    let connected = kd
        .set_token(name, token, (!no_sync).then_some(&watch))
        .await;
    saved_or_refused(connected, name, "updated the token of", json)
}

async fn remove(kd: &Keydeck, name: &str, json: bool) -> Result<ExitCode> {
    let info = kd.vault().remove_source(name).await?;
    if json {
        output::json(&info);
    } else {
        outln!(
            "removed source {} and its {} cached keys",
            info.name,
            info.key_count
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists a remote source: fresh when the server answers, else its cached listing, marked
/// stale with why and how old it is.
pub async fn list(kd: &Keydeck, name: &str, query: &ListQuery, json: bool) -> Result<ExitCode> {
    let listing = kd.list_source(name, query, &watch()).await?;
    if json {
        output::json(&listing);
    } else {
        output::table(&listing.keys)?;
    }
    if let Some(warning) = kd.vault().source(name).await?.warning {
        eprintln!("warning: source {name}: {}", inert(&warning));
    }
    if let Some(err) = &listing.error {
        let age = match listing.synced_at {
            Some(at) => format!("as of {} ({})", at.format("%Y-%m-%d %H:%M UTC"), ago(at)),
            None => "never synced".into(),
        };
        eprintln!(
            "warning: source {name} could not be listed now; this is its cached listing, {age}"
        );
        if !json {
            output::error_body(err, false);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `list --all`: the vault and every remote source's listing (listed again first with
/// `sync`), then a warning for each remote source whose listing is not fresh. A failed sync
/// still lists (its last listing), and is the exit code, for a cron job to notice.
pub async fn list_all(kd: &Keydeck, query: &ListQuery, sync: bool, json: bool) -> Result<ExitCode> {
    let mut failed = None;
    if sync {
        for source in kd.vault().sources().await? {
            if let Err(err) = kd.sync(&source.name, &watch()).await {
                failed = Some(exit_code(err.code()));
            }
        }
    }
    keys::list(kd, query, json)?;
    for source in kd.vault().sources().await? {
        let age = match source.synced_at {
            Some(at) => format!("as of {} ({})", at.format("%Y-%m-%d %H:%M UTC"), ago(at)),
            None => "never listed".into(),
        };
        if source.stale {
            let why = match &source.last_error {
                Some(err) => format!("its last sync failed ({})", inert_cut(&err.message, 200)),
                None => "it has not been listed".into(),
            };
            eprintln!("warning: source {}: {why}; its keys are {age}", source.name);
        }
    }
    Ok(failed.unwrap_or(ExitCode::SUCCESS))
}

/// A sync's watch from the terminal: Ctrl+C is its Cancel, and a progress line shows on a
/// terminal (and is cleared when the sync is done).
struct Watch {
    watch: SyncWatch,
    on_terminal: bool,
    interrupt: tokio::task::JoinHandle<()>,
}

fn watch() -> Watch {
    let on_terminal = std::io::stderr().is_terminal();
    let watch = SyncWatch {
        cancel: CancellationToken::new(),
        progress: on_terminal.then(|| {
            Box::new(|p: &SyncProgress| {
                // Source names are letters, digits and `-_.`: nothing to make inert.
                eprint!(
                    "\r\x1b[2Ksyncing {}: page {}, {} keys",
                    p.source, p.pages, p.keys
                );
            }) as OnProgress
        }),
    };
    let cancel = watch.cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    Watch {
        watch,
        on_terminal,
        interrupt,
    }
}

impl std::ops::Deref for Watch {
    type Target = SyncWatch;
    fn deref(&self) -> &SyncWatch {
        &self.watch
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.interrupt.abort();
        if self.on_terminal {
            eprint!("\r\x1b[2K");
        }
    }
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

/// The sources, their columns as wide as their widest cell (a long name or error keeps
/// them aligned), then any source's warning on a line of its own.
fn table(sources: &[SourceInfo]) -> Result<()> {
    if sources.is_empty() {
        outln!("no remote sources. Add one with `keydeck source add NAME --url URL --dialect detect` (token on stdin),");
        outln!("or try `keydeck serve --dialect 002` as a demo server.");
        return Ok(());
    }
    let header = ["NAME", "DIALECT", "KEYS", "STATE", "URL"].map(String::from);
    let rows: Vec<Vec<String>> = sources
        .iter()
        .map(|s| {
            let state = match (&s.last_error, s.synced_at) {
                (Some(err), _) => match &err.remote {
                    Some(remote) => format!("error: {}", remote.kind),
                    None => format!("error: {}", err.code),
                },
                (None, Some(at)) if s.warning.is_some() => format!("synced {} (warning)", ago(at)),
                (None, Some(at)) => format!("synced {}", ago(at)),
                (None, None) => "never synced".into(),
            };
            vec![
                s.name.clone(),
                s.dialect.as_str().to_string(),
                s.key_count.to_string(),
                inert_cut(&state, 48),
                inert_cut(&s.url, 200),
            ]
        })
        .collect();
    output::aligned(&mut Stdout::new(), &header, &rows)?;
    for s in sources {
        if let Some(warning) = &s.warning {
            outln!("warning: source {}: {}", s.name, inert_cut(warning, 200));
        }
    }
    Ok(())
}
