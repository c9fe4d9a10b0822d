//! One function per subcommand: read the arguments, call the vault, print the result.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use keydeck_core::exchange::{self, Format};
use keydeck_core::model::{Access, LOCAL_SOURCE};
use keydeck_core::text::inert;
use keydeck_core::vault::{KeyringHealth, OnDuplicate};
use keydeck_core::{Error, KeyUpdate, ListQuery, NewKey, Result, Secret, Vault};
use zeroize::Zeroizing;

use keydeck_core::remote::{Client, ClientConfig};
use keydeck_core::vault::RemoteRevoke;

use crate::{clipboard, output, serve, source, Cli, Command, MetaArgs};

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let json = cli.json;
    match &cli.command {
        Command::ClipboardHold { clear_after } => {
            return clipboard::hold(*clear_after).map(|()| ExitCode::SUCCESS)
        }
        Command::Serve {
            print_openapi: Some(dialect),
            ..
        } => {
            println!("{}", keydeck_core::remote::openapi(dialect.parse()?));
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let home = match cli.home {
        Some(home) => home,
        None => keydeck_core::default_home()?,
    };
    let settings = keydeck_core::Settings::load(&home)?;
    let client = Client::new(settings.client_config(ClientConfig {
        request_timeout: std::time::Duration::from_secs(cli.timeout.max(1)),
        connect_timeout: std::time::Duration::from_secs(cli.connect_timeout.max(1)),
        ..ClientConfig::default()
    }))?;
    let vault = Vault::open(&home)
        .await?
        .with_expiring_window(settings.expiring_window());
    let result = match cli.command {
        Command::Serve {
            dialect,
            port,
            token_file,
            user_id,
            allow_revoke,
            ..
        } => {
            let options = serve::Options {
                dialect: dialect.expect("clap requires it").parse()?,
                port,
                token_file,
                user_id,
                allow_revoke,
                home,
            };
            serve::run(&vault, options)
                .await
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Source(command) => source::run(&vault, &client, command, json).await,
        command => dispatch(&vault, &client, &settings, command, json).await,
    };
    vault.close().await;
    result
}

async fn dispatch(
    vault: &Vault,
    client: &Client,
    settings: &keydeck_core::Settings,
    command: Command,
    json: bool,
) -> Result<ExitCode> {
    match command {
        Command::Add {
            name,
            meta,
            generate,
            prefix,
        } => {
            let secret = new_secret(&name, generate, prefix.as_deref())?;
            let new = NewKey {
                name,
                scopes: meta.scopes,
                tags: meta.tags,
                env: meta.env,
                notes: meta.notes,
                expires_at: meta.expires,
            };
            let record = vault.add(new, secret).await?;
            if json {
                output::json(&record);
            } else {
                println!(
                    "added {} {} ({})",
                    inert(&record.name),
                    inert(&record.mask),
                    record.id
                );
                if generate {
                    println!(
                        "the generated secret is in the keyring: `keydeck copy {}` copies it",
                        record.id
                    );
                }
            }
        }
        Command::List {
            status,
            search,
            scope,
            source,
            sort,
            desc,
        } => {
            let query = ListQuery {
                source: Some(source.clone().unwrap_or_else(|| LOCAL_SOURCE.to_string())),
                search,
                status,
                scope,
                sort: sort.unwrap_or_default(),
                descending: desc,
                hide_inactive: false,
            };
            if let Some(name) = source.filter(|s| s != LOCAL_SOURCE) {
                return source::list(vault, client, &name, &query, json).await;
            }
            let records = vault.list(&query).await?;
            if json {
                output::json(&records);
            } else {
                output::table(&records);
            }
        }
        Command::Show { key, pick } => {
            let record = vault.find(pick.source.as_deref(), &key).await?;
            let keyring_user = vault.keyring_user(&record).await?;
            let detail = vault.detail_of(record).await?;
            if json {
                output::json(&detail);
            } else {
                output::detail(&detail);
                if let Some(user) = keyring_user {
                    // Where `secret-tool lookup service keydeck username …` finds it.
                    println!("{:>10}: service keydeck, user {}", "keyring", inert(&user));
                }
            }
        }
        Command::Reveal { key, pick } => {
            let record = vault.find(pick.source.as_deref(), &key).await?;
            let (_, secret) = vault.reveal_key(record, Access::cli_reveal()).await?;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{}", secret.expose())?;
            stdout.flush()?;
        }
        Command::Copy {
            key,
            pick,
            clear_after,
        } => {
            let record = vault.find(pick.source.as_deref(), &key).await?;
            let access = Access {
                copy: true,
                window: false,
            };
            let (record, secret) = vault.reveal_key(record, access).await?;
            let clear_after = clear_after.unwrap_or(settings.clipboard_clear_secs.into());
            clipboard::copy(&secret, clear_after)?;
            let when = match clear_after {
                0 => "it stays until something else is copied".to_string(),
                secs => format!("it is cleared in {secs} s unless something else was copied"),
            };
            if json {
                output::json(
                    &serde_json::json!({ "copied": record.id, "clear_after": clear_after }),
                );
            } else {
                println!(
                    "copied the secret of {} to the clipboard; {when}",
                    inert(&record.name)
                );
            }
        }
        Command::Edit {
            key,
            name,
            meta,
            no_expires,
        } => {
            let MetaArgs {
                scopes,
                tags,
                env,
                expires,
                notes,
            } = meta;
            let update = KeyUpdate {
                name,
                scopes: (!scopes.is_empty()).then_some(scopes),
                tags: (!tags.is_empty()).then_some(tags),
                env: env.map(Some),
                notes: notes.map(Some),
                expires_at: if no_expires {
                    Some(None)
                } else {
                    expires.map(Some)
                },
            };
            let record = vault.update(&key, update).await?;
            print_record("updated", &record, json);
        }
        Command::Revoke { key, pick, reason } => {
            let record = vault.find(pick.source.as_deref(), &key).await?;
            if record.source == LOCAL_SOURCE {
                let record = vault.revoke(&record.id, reason).await?;
                print_record("revoked", &record, json);
            } else {
                let outcome = vault.revoke_remote(&record, client).await?;
                if json {
                    output::json(&outcome);
                } else {
                    match outcome {
                        RemoteRevoke::Revoked { .. } => println!(
                            "revoked {} ({}) on source {}: it is now listed as revoked",
                            inert(&record.name),
                            inert(&record.id),
                            record.source
                        ),
                        RemoteRevoke::Gone { .. } => println!(
                            "revoked {} ({}) on source {}: it is no longer listed",
                            inert(&record.name),
                            inert(&record.id),
                            record.source
                        ),
                    }
                }
            }
        }
        Command::Rm { key, yes } => {
            if !yes {
                let record = vault.get(&key).await?;
                return Err(Error::Usage(format!(
                    "refusing to delete `{}` without --yes (it deletes the key and its secret for good; \
                     `keydeck revoke` keeps the history)",
                    record.name
                )));
            }
            let record = vault.delete(&key).await?;
            print_record("deleted", &record, json);
        }
        Command::Rotate {
            key,
            generate,
            prefix,
        } => {
            let record = vault.get(&key).await?;
            let secret = new_secret(&record.name, generate, prefix.as_deref())?;
            let record = vault.rotate(&record.id, secret).await?;
            print_record("rotated", &record, json);
        }
        Command::Import {
            file,
            format,
            dry_run,
            on_duplicate,
        } => {
            let format = match format {
                Some(f) => f.parse()?,
                None => Format::from_path(&file),
            };
            let on_duplicate: OnDuplicate = on_duplicate.parse()?;
            let bytes = Zeroizing::new(std::fs::read(&file).map_err(|e| {
                Error::InvalidInput(format!("cannot read {}: {e}", file.display()))
            })?);
            let items = exchange::parse(format, bytes)?;
            let plan = vault.import(items, on_duplicate, dry_run).await?;
            if json {
                output::json(&plan);
            } else {
                output::import_plan(&plan);
            }
        }
        Command::Export {
            format,
            include_secrets,
            output,
        } => {
            if include_secrets {
                eprintln!(
                    "warning: this export holds every secret in plain text; keep it out of shells' \
                     history, shared folders and backups, and delete it when done"
                );
            }
            let mut out: Box<dyn Write> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(keydeck_core::vault::private_file(
                    path,
                )?)),
                None => Box::new(std::io::stdout().lock()),
            };
            let items = vault.export(include_secrets).await?;
            if format == "csv" {
                exchange::write_csv(&items, include_secrets, &mut out)?;
            } else {
                serde_json::to_writer_pretty(&mut out, &items)
                    .map_err(|e| Error::Io(e.to_string()))?;
                writeln!(out)?;
            }
            out.flush()?;
        }
        Command::Backup { file } => {
            let bytes = vault.backup(&file).await?;
            if json {
                output::json(&serde_json::json!({ "backup": file, "bytes": bytes }));
            } else {
                println!(
                    "backed up the vault to {} ({bytes} bytes); the secrets stay in the OS keyring \
                     and are not in this file",
                    file.display()
                );
            }
        }
        Command::Doctor { repair } => {
            let report = vault.doctor(repair).await?;
            if json {
                output::json(&report);
            } else {
                output::doctor(&report);
            }
            return Ok(match report.keyring {
                _ if report.healthy => ExitCode::SUCCESS,
                KeyringHealth::Locked { .. } | KeyringHealth::Unavailable { .. } => {
                    ExitCode::from(4)
                }
                _ => ExitCode::FAILURE,
            });
        }
        Command::ClipboardHold { .. } | Command::Serve { .. } | Command::Source(_) => {
            unreachable!("handled in run")
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_record(verb: &str, record: &keydeck_core::KeyRecord, json: bool) {
    if json {
        output::json(record);
    } else {
        println!("{verb} {} ({})", inert(&record.name), inert(&record.id));
    }
}

/// A generated secret, or one read from stdin (a hidden prompt on a terminal).
fn new_secret(name: &str, generate: bool, prefix: Option<&str>) -> Result<Secret> {
    if generate {
        return Secret::generate(prefix);
    }
    read_secret(
        &format!("secret for {name}"),
        &format!("keydeck add {name}"),
    )
    .map_err(|e| match e {
        Error::InvalidInput(message) => Error::InvalidInput(format!("{message} or use --generate")),
        other => other,
    })
}

/// Reads a secret from stdin (a hidden prompt on a terminal), never from arguments.
pub fn read_secret(prompt: &str, example: &str) -> Result<Secret> {
    let stdin = std::io::stdin();
    let secret = if stdin.is_terminal() {
        let typed = Zeroizing::new(
            rpassword::prompt_password(format!("{prompt}: "))
                .map_err(|e| Error::Io(format!("cannot read the secret: {e}")))?,
        );
        Secret::new(typed.to_string())
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        stdin
            .lock()
            .take(keydeck_core::secret::MAX_SECRET_BYTES as u64 + 3)
            .read_to_end(&mut bytes)?;
        Secret::from_bytes(bytes)
    };
    secret.map_err(|e| {
        Error::InvalidInput(format!(
            "{e}; pipe it on stdin (e.g. `printf %s \"$TOKEN\" | {example}`)"
        ))
    })
}
