//! `keydeck run` and `keydeck inject`: secrets into a process's environment or a file made
//! from a template, never through argv or the clipboard.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use keydeck_core::inject::Selection;
use keydeck_core::vault::private_file;
use keydeck_core::{Error, Keydeck, Result, Secret};

/// A command ready to become this process, with the secrets for its environment.
pub struct Prepared {
    command: Vec<OsString>,
    environment: Vec<(String, Secret)>,
}

/// Reads every chosen secret first: a key without one fails here, before anything runs.
pub async fn prepare(
    kd: &Keydeck,
    keys: Vec<String>,
    tag: Option<String>,
    env: Option<String>,
    command: Vec<OsString>,
) -> Result<Prepared> {
    let keys = keys
        .into_iter()
        // NAME=VAR only where VAR is a variable name: a key may have `=` in its name.
        .map(|pick| match pick.rsplit_once('=') {
            Some((name, var)) if keydeck_core::inject::valid_variable(var) => {
                (name.to_string(), Some(var.to_string()))
            }
            _ => (pick, None),
        })
        .collect();
    let selection = Selection { keys, tag, env };
    Ok(Prepared {
        environment: kd.environment(&selection).await?,
        command,
    })
}

/// Becomes the command (exec): its exit code and the signals it gets are its own, as if it
/// had been started directly. Answers only when it cannot start, as a shell does (127: not
/// found, 126: not runnable).
pub fn exec(prepared: Prepared) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let Prepared {
        command,
        environment,
    } = prepared;
    let (program, args) = command.split_first().expect("clap requires a command");
    let mut child = std::process::Command::new(program);
    child.args(args);
    for (variable, secret) in &environment {
        child.env(variable, secret.expose());
    }
    let err = child.exec();
    eprintln!(
        "error: cannot run `{}`: {err}",
        keydeck_core::text::inert(&program.to_string_lossy())
    );
    ExitCode::from(match err.kind() {
        std::io::ErrorKind::NotFound => 127,
        _ => 126,
    })
}

/// Fills the template; the output goes to stdout, or replaces `output` whole (owner-only,
/// written beside it, then renamed over it: never half written).
pub async fn inject(kd: &Keydeck, template: &Path, output: Option<&Path>) -> Result<()> {
    let text = std::fs::read_to_string(template)
        .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", template.display())))?;
    let filled = kd.fill_template(&text).await?;
    let Some(output) = output else {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(filled.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::Io(format!("cannot write the output: {e}")))?;
        return Ok(());
    };
    let name = output
        .file_name()
        .ok_or_else(|| Error::InvalidInput(format!("{} is not a file name", output.display())))?;
    let mut partial = name.to_os_string();
    partial.push(format!(".keydeck-{}", std::process::id()));
    let partial = output.with_file_name(partial);
    // Only a file this call made is removed again (never one that was there).
    let mut file = private_file(&partial)?;
    let renamed = file
        .write_all(filled.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::Io(format!("cannot write {}: {e}", partial.display())))
        .and_then(|()| {
            std::fs::rename(&partial, output)
                .map_err(|e| Error::Io(format!("cannot write {}: {e}", output.display())))
        });
    if renamed.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    renamed
}
