//! `keydeck revoke --search|--scope|--tag`: every unrevoked key a filter matches, revoked
//! with one reason and a line per key. Without --yes it lists the keys it would revoke.

use std::io::IsTerminal;
use std::process::ExitCode;

use keydeck_core::bulk::OnBulkProgress;
use keydeck_core::model::{KeyRef, ALL_SOURCES, LOCAL_SOURCE};
use keydeck_core::text::inert;
use keydeck_core::{Error, Keydeck, ListQuery, Result};

use crate::output::{self, Table};
use crate::stdout::Stdout;
use crate::{exit_code, Command};

/// `revoke` without a key: the filter its options give.
pub async fn revoke(kd: &Keydeck, command: Command, json: bool) -> Result<ExitCode> {
    let Command::Revoke {
        pick,
        reason,
        search,
        scope,
        tag,
        yes,
        ..
    } = command
    else {
        unreachable!("called for `revoke` only")
    };
    let query = ListQuery {
        source: pick.source.filter(|s| s != ALL_SOURCES),
        search,
        scope,
        tag,
        ..ListQuery::default()
    };
    // A misspelt source would match nothing and look like "nothing to revoke".
    if let Some(name) = query.source.as_deref().filter(|s| *s != LOCAL_SOURCE) {
        kd.vault().source(name).await?;
    }
    revoke_matching(kd, &query, reason, yes, json).await
}

async fn revoke_matching(
    kd: &Keydeck,
    query: &ListQuery,
    reason: Option<String>,
    yes: bool,
    json: bool,
) -> Result<ExitCode> {
    let keys = kd.revocable(query).await?;
    if keys.is_empty() {
        eprintln!("no unrevoked key matches: nothing to revoke");
        return Ok(ExitCode::SUCCESS);
    }
    if !yes {
        if json {
            output::json(&keys);
        } else {
            let mut table = Table::with_source(Stdout::new());
            for key in &keys {
                table.push(key)?;
            }
            table.finish()?;
        }
        return Err(Error::Usage(format!(
            "this would revoke the {} keys listed; run it again with --yes to revoke them",
            keys.len()
        )));
    }
    if reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::Usage(
            "revoking several keys needs --reason R: it goes into each key's history".into(),
        ));
    }
    let targets: Vec<KeyRef> = keys.iter().map(KeyRef::from).collect();
    let on_terminal = std::io::stderr().is_terminal() && !json;
    let mut progress = |done: usize, all: usize| {
        if on_terminal {
            eprint!("\r\x1b[2Krevoking {done}/{all}");
        }
    };
    let report = kd
        .revoke_each(&targets, reason, &mut progress as OnBulkProgress)
        .await;
    if on_terminal {
        eprintln!();
    }
    if json {
        output::json(&report);
    } else {
        for key in &report.keys {
            let (name, id, source) = (inert(&key.name), inert(&key.id), &key.source);
            match &key.error {
                None => outln!("revoked {name} ({id}) on {source}"),
                Some(err) => outln!(
                    "NOT revoked {name} ({id}) on {source}: {}",
                    inert(&err.message)
                ),
            }
        }
        outln!("{} revoked, {} failed", report.done, report.failed);
    }
    let first_failure = report.keys.iter().find_map(|k| k.error.as_ref());
    Ok(first_failure.map_or(ExitCode::SUCCESS, |err| exit_code(err.code)))
}
