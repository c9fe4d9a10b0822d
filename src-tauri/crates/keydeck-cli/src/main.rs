//! `keydeck`: the command-line face of the vault. Scripts rely on its names, its `--json`
//! output and its exit codes (0 ok, 1 error, 2 usage, 3 not found, 4 keyring, 5 remote).

// First, so that `outln!` is there for every module after it.
#[macro_use]
mod stdout;
mod args;
mod bulk;
mod clipboard;
mod commands;
mod files;
mod inject;
mod input;
mod json;
mod keys;
mod output;
mod serve;
mod source;

use std::process::ExitCode;

use clap::Parser;
use keydeck_core::{Error, ErrorCode};

pub use args::{Cli, Command, MetaArgs, SourceCommand, SourcePick};

fn main() -> ExitCode {
    // Secrets live in this process's memory: no core dumps, no ptrace attach.
    keydeck_core::process::harden();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(clear_after) = clipboard::holder_args(&args) {
        return match clipboard::hold(clear_after) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => report(&err, false),
        };
    }
    let cli = Cli::parse_from(args);
    let json = cli.json;
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return report(&Error::Io(format!("cannot start: {err}")), json),
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(err) => report(&err, json),
    }
}

/// Prints an error as `error: …` / `hint: …` (or JSON) on stderr and picks the exit code.
fn report(err: &Error, json: bool) -> ExitCode {
    output::error(err, json);
    exit_code(err.code())
}

pub fn exit_code(code: ErrorCode) -> ExitCode {
    ExitCode::from(match code {
        ErrorCode::Usage => 2,
        ErrorCode::NotFound | ErrorCode::SourceNotFound => 3,
        ErrorCode::KeyringLocked | ErrorCode::KeyringUnavailable => 4,
        // As a shell reports a command stopped by Ctrl+C.
        ErrorCode::Cancelled => 130,
        ErrorCode::Remote => 5,
        _ => 1,
    })
}
