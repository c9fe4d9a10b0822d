//! `keydeck copy`: the clipboard outlives this command (on X11 the owner must stay alive),
//! so a small holder process owns it and clears it when the time is up, but only if it
//! still holds our secret: a bare clear would wipe whatever the user copied since.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use keydeck_core::clipboard::SecretClipboard;
use keydeck_core::{Error, Result, Secret};
use zeroize::Zeroizing;

/// The first argument that makes `keydeck` the holder. Read before clap parses anything, so
/// no help, completion or "a similar subcommand exists" tip ever shows it.
pub const HOLD_ARG: &str = "--internal-clipboard-holder";

/// The holder's arguments (`HOLD_ARG SECS`), if these are they.
pub fn holder_args(args: &[std::ffi::OsString]) -> Option<u64> {
    match args {
        [_, flag, secs] if flag == HOLD_ARG => secs.to_str()?.parse().ok(),
        _ => None,
    }
}

/// How often the holder checks whether something else was copied.
const POLL: Duration = Duration::from_millis(200);

/// Starts the holder, hands it the secret on a pipe, and waits until it owns the clipboard.
pub fn copy(secret: &Secret, clear_after: u64) -> Result<()> {
    let exe = std::env::current_exe()?;
    let mut command = Command::new(exe);
    command
        .args([HOLD_ARG, &clear_after.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // Its own process group: closing the terminal does not end the countdown early.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn()?;
    {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin.write_all(secret.expose().as_bytes())?;
        stdin.write_all(b"\n")?;
    }
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut line)?;
    match line.trim_end() {
        "ready" => Ok(()),
        "" => Err(Error::Clipboard("the clipboard helper stopped".into())),
        reason => Err(Error::Clipboard(reason.to_string())),
    }
}

/// The holder: owns the clipboard until `clear_after` seconds pass (then clears it if it
/// still holds the secret) or until something else is copied.
pub fn hold(clear_after: u64) -> Result<()> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .take(keydeck_core::secret::MAX_SECRET_BYTES as u64 + 3)
        .read_to_end(&mut bytes)?;
    let secret = Secret::from_bytes(bytes)?;
    let owned =
        SecretClipboard::new().and_then(|mut clipboard| clipboard.put(&secret).map(|()| clipboard));
    let mut clipboard = match owned {
        Ok(clipboard) => clipboard,
        Err(err) => {
            outln!("{err}");
            return Ok(());
        }
    };
    outln!("ready");
    std::io::stdout().flush()?;
    let deadline = (clear_after > 0).then(|| Instant::now() + Duration::from_secs(clear_after));
    loop {
        std::thread::sleep(POLL);
        if !clipboard.holds(&secret) {
            return Ok(()); // Something else was copied: leave it alone.
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            clipboard.clear_if_holds(&secret);
            return Ok(());
        }
    }
}
