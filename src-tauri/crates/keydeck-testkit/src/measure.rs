//! A command's wall time and peak memory, for the tests that memory stays flat and for the
//! benchmarks' ratios.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a finished command ran.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub wall: Duration,
    /// Peak resident memory of the command alone, in KiB.
    pub peak_kib: i64,
    pub success: bool,
}

/// Runs `command` to its end, its output discarded (stderr shown).
///
/// The peak comes from GNU time (`/usr/bin/time`, scripts/setup.sh), not from our own
/// `wait4`: a child spawned from a large process (a test or bench holding a big vault)
/// starts its life as a copy of it, and the kernel counts that copy in the child's peak.
/// time is small, so what it forks starts small.
pub fn measure(command: &Command) -> Measured {
    let report = tempfile::NamedTempFile::new().expect("a temp file");
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["--format", "%M", "--output"])
        .arg(report.path())
        .arg(command.get_program())
        .args(command.get_args())
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(name, value),
            None => timed.env_remove(name),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    let started = Instant::now();
    let status = timed
        .status()
        .expect("/usr/bin/time runs (apt install time)");
    let wall = started.elapsed();
    let text = std::fs::read_to_string(report.path()).unwrap_or_default();
    // On failure time writes "Command exited with non-zero status N" before the figure.
    let peak_kib = text
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .unwrap_or(0);
    Measured {
        wall,
        peak_kib,
        success: status.success(),
    }
}
