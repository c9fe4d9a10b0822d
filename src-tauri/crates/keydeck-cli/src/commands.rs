//! Opens keydeck and hands each subcommand to its function (keys.rs, files.rs, source.rs,
//! serve.rs): each reads its arguments, makes one call into keydeck-core, prints the result.

use std::process::ExitCode;
use std::time::Duration;

use keydeck_core::model::{ALL_SOURCES, LOCAL_SOURCE};
use keydeck_core::remote::ClientConfig;
use keydeck_core::{Keydeck, ListQuery, Result};

use crate::{bulk, files, inject, keys, serve, source, Cli, Command};

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let json = cli.json;
    // What needs no vault.
    if let Command::Serve {
        print_openapi: Some(dialect),
        ..
    } = &cli.command
    {
        outln!("{}", keydeck_core::remote::openapi(*dialect));
        return Ok(ExitCode::SUCCESS);
    }
    let home = match cli.home {
        Some(home) => home,
        None => keydeck_core::default_home()?,
    };
    let transport = ClientConfig {
        request_timeout: Duration::from_secs(cli.timeout.max(1)),
        connect_timeout: Duration::from_secs(cli.connect_timeout.max(1)),
        ..ClientConfig::default()
    };
    let kd = Keydeck::open(&home, transport).await?;
    if let Command::Run {
        keys,
        tag,
        env,
        command,
    } = cli.command
    {
        // The vault is closed cleanly before this process becomes the command.
        let prepared = inject::prepare(&kd, keys, tag, env, command).await;
        kd.close().await;
        return Ok(inject::exec(prepared?));
    }
    let result = dispatch(&kd, cli.command, json).await;
    kd.close().await;
    result
}

async fn dispatch(kd: &Keydeck, command: Command, json: bool) -> Result<ExitCode> {
    let done = match command {
        Command::List {
            ref source, all, ..
        } if all || source.as_deref() == Some(ALL_SOURCES) => {
            let sync = matches!(command, Command::List { sync: true, .. });
            return source::list_all(kd, &list_query(command), sync, json).await;
        }
        Command::List {
            source: Some(ref name),
            ..
        } if name != LOCAL_SOURCE => {
            let name = name.clone();
            return source::list(kd, &name, &list_query(command), json).await;
        }
        Command::Revoke { key: None, .. } => return bulk::revoke(kd, command, json).await,
        Command::Import {
            file,
            format,
            dry_run,
            on_duplicate,
        } => files::import(kd, &file, format, dry_run, on_duplicate, json).await,
        Command::Export {
            format,
            include_secrets,
            output,
        } => files::export(kd, &format, include_secrets, output).await,
        Command::Backup { file } => files::backup(kd, &file, json).await,
        Command::Inject { template, output } => {
            inject::inject(kd, &template, output.as_deref()).await
        }
        Command::Doctor { repair } => return files::doctor(kd, repair, json).await,
        Command::Source(command) => return source::run(kd, command, json).await,
        Command::Serve {
            dialect,
            port,
            token_file,
            user_id,
            allow_revoke,
            ..
        } => {
            let options = serve::Options {
                dialect: dialect.expect("clap requires it"),
                port,
                token_file,
                user_id,
                allow_revoke,
                home: kd.home().to_path_buf(),
            };
            serve::run(kd.vault(), options).await
        }
        key_command => keys::run(kd, key_command, json).await,
    };
    done.map(|()| ExitCode::SUCCESS)
}

/// The listing a `list` asks for, of every source (a remote source's listing narrows it).
fn list_query(command: Command) -> ListQuery {
    let Command::List {
        status,
        search,
        scope,
        sort,
        desc,
        ..
    } = command
    else {
        unreachable!("called for `list` only")
    };
    ListQuery {
        source: None,
        ..keys::query(status, search, scope, sort, desc)
    }
}
