//! The subcommands on keys: each reads its arguments, makes one call into keydeck-core and
//! prints the result (a line for people, JSON for scripts).

use std::io::Write;

use keydeck_core::keydeck::Revoked;
use keydeck_core::model::{Access, Reader, LOCAL_SOURCE};
use keydeck_core::text::inert;
use keydeck_core::vault::{RemoteRevoke, Rotation};
use keydeck_core::{
    Error, KeyRecord, KeyStatus, KeyUpdate, Keydeck, ListQuery, NewKey, Result, Secret, SortField,
};

use crate::input::new_secret;
use crate::output::Table;
use crate::stdout::{JsonArray, Stdout};
use crate::{clipboard, output, Command, MetaArgs};

const CLI_COPY: Access = Access {
    copy: true,
    by: Reader::Cli,
};

/// The subcommands on keys, each to its function.
pub async fn run(kd: &Keydeck, command: Command, json: bool) -> Result<()> {
    match command {
        Command::Add {
            name,
            meta,
            generate,
            prefix,
        } => add(kd, name, meta, generate, prefix, json).await,
        Command::List {
            status,
            search,
            scope,
            sort,
            desc,
            ..
        } => list(kd, &query(status, search, scope, sort, desc), json),
        Command::Show { key, pick } => show(kd, pick.source, &key, json).await,
        Command::Reveal {
            key,
            pick,
            previous,
        } => reveal(kd, pick.source, &key, previous).await,
        Command::Copy {
            key,
            pick,
            clear_after,
            previous,
        } => copy(kd, pick.source, &key, clear_after, previous, json).await,
        Command::Edit {
            key,
            name,
            meta,
            no_expires,
        } => edit(kd, &key, name, meta, no_expires, json).await,
        Command::Revoke {
            key: Some(key),
            pick,
            reason,
            ..
        } => revoke(kd, pick.source, &key, reason, json).await,
        Command::Revoke { key: None, .. } => unreachable!("a bulk revoke goes to bulk.rs"),
        Command::Rm { key, yes } => rm(kd, &key, yes, json).await,
        Command::Rotate {
            key,
            generate,
            prefix,
            keep_previous,
            expires,
            no_expires,
        } => {
            let rotation = Rotation {
                keep_previous,
                expires_at: if no_expires {
                    Some(None)
                } else {
                    expires.map(Some)
                },
            };
            rotate(kd, &key, generate, prefix, rotation, json).await
        }
        _ => unreachable!("commands.rs hands only key subcommands here"),
    }
}

async fn add(
    kd: &Keydeck,
    name: String,
    meta: MetaArgs,
    generate: bool,
    prefix: Option<String>,
    json: bool,
) -> Result<()> {
    let secret = new_secret(&name, generate, prefix.as_deref())?;
    let record = kd.vault().add(meta.into_new_key(name), secret).await?;
    if json {
        output::json(&record);
        return Ok(());
    }
    let (name, mask) = (inert(&record.name), inert(&record.mask));
    outln!("added {name} {mask} ({})", record.id);
    if generate {
        let id = &record.id;
        outln!("the generated secret is in the keyring: `keydeck copy {id}` copies it");
    }
    Ok(())
}

/// The listing a `list` asks for (on the vault unless `--source` names another).
pub fn query(
    status: Option<KeyStatus>,
    search: Option<String>,
    scope: Option<String>,
    sort: Option<SortField>,
    descending: bool,
) -> ListQuery {
    ListQuery {
        source: Some(LOCAL_SOURCE.to_string()),
        search,
        status,
        scope,
        tag: None,
        sort: sort.unwrap_or_default(),
        descending,
        hide_inactive: false,
    }
}

/// Prints keys as SQLite reads them: flat memory at any size (it blocks; nothing else runs).
/// A listing of every source has a SOURCE column.
pub fn list(kd: &Keydeck, query: &ListQuery, json: bool) -> Result<()> {
    if json {
        let mut array = JsonArray::new(Stdout::new());
        kd.vault()
            .for_each_key(query, |record| Ok(array.push(&record)?))?;
        array.finish()?;
    } else {
        let mut table = match query.source {
            None => Table::with_source(Stdout::new()),
            Some(_) => Table::new(Stdout::new()),
        };
        kd.vault()
            .for_each_key(query, |record| table.push(&record))?;
        table.finish()?;
    }
    Ok(())
}

async fn show(kd: &Keydeck, source: Option<String>, key: &str, json: bool) -> Result<()> {
    let record = kd.find(source.as_deref(), key).await?;
    let keyring_user = kd.vault().keyring_user(&record).await?;
    let detail = kd.vault().detail_of(record).await?;
    if json {
        output::json(&detail);
        return Ok(());
    }
    output::detail(&detail);
    if let Some(user) = keyring_user {
        // Where `secret-tool lookup service keydeck username …` finds it.
        outln!("{:>10}: service keydeck, user {}", "keyring", inert(&user));
    }
    Ok(())
}

/// A key's secret, or with `previous` the one before its last rotation (vault keys only).
async fn secret_of(
    kd: &Keydeck,
    source: Option<String>,
    key: &str,
    previous: bool,
    access: Access,
) -> Result<(KeyRecord, Secret)> {
    if !previous {
        return kd.reveal(source.as_deref(), key, access).await;
    }
    if source.as_deref().is_some_and(|s| s != LOCAL_SOURCE) {
        return Err(Error::InvalidInput(
            "only vault keys keep a previous secret (`rotate --keep-previous`)".into(),
        ));
    }
    kd.vault().reveal_previous(key, access).await
}

async fn reveal(kd: &Keydeck, source: Option<String>, key: &str, previous: bool) -> Result<()> {
    let (_, secret) = secret_of(kd, source, key, previous, Access::cli_reveal()).await?;
    let mut stdout = Stdout::new();
    writeln!(stdout, "{}", secret.expose())?;
    stdout.flush()?;
    Ok(())
}

async fn copy(
    kd: &Keydeck,
    source: Option<String>,
    key: &str,
    clear_after: Option<u64>,
    previous: bool,
    json: bool,
) -> Result<()> {
    let (record, secret) = secret_of(kd, source, key, previous, CLI_COPY).await?;
    let clear_after = clear_after.unwrap_or(kd.settings().clipboard_clear_secs.into());
    clipboard::copy(&secret, clear_after)?;
    if json {
        output::json(&serde_json::json!({ "copied": record.id, "clear_after": clear_after }));
        return Ok(());
    }
    let when = match clear_after {
        0 => "it stays until something else is copied".to_string(),
        secs => format!("it is cleared in {secs} s unless something else was copied"),
    };
    let name = inert(&record.name);
    outln!("copied the secret of {name} to the clipboard; {when}");
    Ok(())
}

async fn edit(
    kd: &Keydeck,
    key: &str,
    name: Option<String>,
    meta: MetaArgs,
    no_expires: bool,
    json: bool,
) -> Result<()> {
    let record = kd
        .vault()
        .update(key, meta.into_update(name, no_expires))
        .await?;
    print_record("updated", &record, json);
    Ok(())
}

async fn revoke(
    kd: &Keydeck,
    source: Option<String>,
    key: &str,
    reason: Option<String>,
    json: bool,
) -> Result<()> {
    match kd.revoke(source.as_deref(), key, reason).await? {
        Revoked::Local { key } => print_record("revoked", &key, json),
        Revoked::Remote { outcome, .. } if json => output::json(&outcome),
        Revoked::Remote { before, outcome } => {
            let now = match outcome {
                RemoteRevoke::Revoked { .. } => "it is now listed as revoked",
                RemoteRevoke::Gone { .. } => "it is no longer listed",
            };
            outln!(
                "revoked {} ({}) on source {}: {now}",
                inert(&before.name),
                inert(&before.id),
                before.source
            );
        }
    }
    Ok(())
}

async fn rm(kd: &Keydeck, key: &str, yes: bool, json: bool) -> Result<()> {
    if !yes {
        let record = kd.vault().get(key).await?;
        return Err(Error::Usage(format!(
            "refusing to delete `{}` without --yes (it deletes the key and its secret for good; \
             `keydeck revoke` keeps the history)",
            inert(&record.name)
        )));
    }
    let record = kd.vault().delete(key).await?;
    print_record("deleted", &record, json);
    Ok(())
}

async fn rotate(
    kd: &Keydeck,
    key: &str,
    generate: bool,
    prefix: Option<String>,
    rotation: Rotation,
    json: bool,
) -> Result<()> {
    let record = kd.vault().get(key).await?;
    let secret = new_secret(&record.name, generate, prefix.as_deref())?;
    let kept = rotation.keep_previous.is_some();
    let record = kd.vault().rotate(&record.id, secret, rotation).await?;
    print_record("rotated", &record, json);
    if kept && !json {
        let until = kd.vault().previous_until(&record.id).await?;
        if let Some(until) = until {
            let name = inert(&record.name);
            outln!(
                "the previous secret stays until {} (`keydeck reveal {name} --previous`), then it is deleted",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
    }
    Ok(())
}

fn print_record(verb: &str, record: &KeyRecord, json: bool) {
    if json {
        output::json(record);
    } else {
        outln!("{verb} {} ({})", inert(&record.name), inert(&record.id));
    }
}

impl MetaArgs {
    fn into_new_key(self, name: String) -> NewKey {
        NewKey {
            name,
            scopes: self.scopes,
            tags: self.tags,
            env: self.env,
            notes: self.notes,
            expires_at: self.expires,
        }
    }

    /// Only what was given changes; `--no-expires` removes the expiry.
    fn into_update(self, name: Option<String>, no_expires: bool) -> KeyUpdate {
        KeyUpdate {
            name,
            scopes: (!self.scopes.is_empty()).then_some(self.scopes),
            tags: (!self.tags.is_empty()).then_some(self.tags),
            env: self.env.map(Some),
            notes: self.notes.map(Some),
            expires_at: if no_expires {
                Some(None)
            } else {
                self.expires.map(Some)
            },
        }
    }
}
