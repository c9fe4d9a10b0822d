//! The window's start-up against an empty Tauri 2 window built the same way
//! (bench/empty-window): exec → first paint, and the steady memory (PSS) of the app with its
//! WebKit processes, alternating runs of the two. Needs a display: bench/run.sh runs this
//! group under scripts/session.sh.
//!
//! Each start is timed from CLOCK_MONOTONIC read right before the spawn to the `READY <ns>`
//! the window prints (same clock) two frames after its first screen painted; the memory is
//! read 3 s later from `/proc/<pid>/smaps_rollup` of the app and every process under it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::results::{median, Row};

/// Runs of each program per vault size, alternating (after one unmeasured start of each).
const RUNS: usize = 5;
/// How long a start may take before the bench gives up on it.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// From READY to reading the memory: the page's first listing and the WebKit processes have
/// settled by then.
const SETTLE: Duration = Duration::from_secs(3);
const FIRST_PAINT_TARGET: f64 = 1.2;
const PSS_TARGET: f64 = 1.15;
const EMPTY: &str = "empty Tauri 2 window, same profile";

/// One start: exec → READY, and the steady PSS of the process tree.
struct Start {
    ready_ms: f64,
    pss_kib: u64,
    /// PSS by process name (the app, WebKitWebProcess, WebKitNetworkProcess, …).
    by_name: Vec<(String, u64)>,
}

/// The group: keydeck-app against the empty window, with 10 and with 100,000 keys.
pub async fn run(bin_dir: &Path) -> Vec<Row> {
    let app = bin_dir.join("keydeck-app");
    let empty = bin_dir.join("keydeck-bench-empty-window");
    let mut rows = Vec::new();
    for (count, label) in [(10, "10"), (100_000, "100,000")] {
        let home = tempfile::tempdir().unwrap();
        keydeck_testkit::bulk_vault(home.path(), count)
            .await
            .close()
            .await;
        launch(&app, home.path(), "warm-up");
        launch(&empty, home.path(), "warm-up");
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for run in 1..=RUNS {
            ours.push(launch(
                &app,
                home.path(),
                &format!("{label} keys, run {run}"),
            ));
            theirs.push(launch(&empty, home.path(), &format!("run {run}")));
        }
        let ready =
            |starts: &[Start]| median(&starts.iter().map(|s| s.ready_ms).collect::<Vec<_>>());
        let pss = |starts: &[Start]| {
            median(
                &starts
                    .iter()
                    .map(|s| s.pss_kib as f64 / 1024.0)
                    .collect::<Vec<_>>(),
            )
        };
        rows.push(
            Row::new(
                format!("window start-up, exec → first paint, {label} keys (median of {RUNS})"),
                ready(&ours),
                ready(&theirs),
                EMPTY,
                "ms",
            )
            .target(FIRST_PAINT_TARGET),
        );
        rows.push(
            Row::new(
                format!("window steady PSS with WebKit processes, {label} keys (median of {RUNS})"),
                pss(&ours),
                pss(&theirs),
                EMPTY,
                "MiB",
            )
            .target(PSS_TARGET),
        );
    }
    rows
}

/// Starts `program` on the vault in `home`, waits for its READY, lets it settle, reads its
/// memory and stops it (and everything it started).
fn launch(program: &Path, home: &Path, what: &str) -> Start {
    let stderr = tempfile::NamedTempFile::new().expect("a temp file");
    let spawned = keydeck_core::process::monotonic_ns();
    let mut child = Command::new(program)
        .env("KEYDECK_BENCH_READY", "1")
        .env("KEYDECK_HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr.as_file().try_clone().expect("the temp file"))
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", program.display()));
    let ready_ns = match wait_ready(&mut child) {
        Ok(ns) => ns,
        Err(why) => {
            let tree = descendants(child.id());
            stop(&mut child, &tree);
            let log = std::fs::read_to_string(stderr.path()).unwrap_or_default();
            panic!(
                "{} {why} (its stderr: {:?}). It prints READY when its first screen has \
                 painted: is ui/dist built (bench/run.sh builds it) and is there a display \
                 (bench/run.sh runs this group under scripts/session.sh)?",
                program.display(),
                log.trim()
            );
        }
    };
    sleep(SETTLE);
    let tree = descendants(child.id());
    let by_name = pss_by_name(&tree);
    stop(&mut child, &tree);
    let start = Start {
        ready_ms: ready_ns.saturating_sub(spawned) as f64 / 1e6,
        pss_kib: by_name.iter().map(|(_, kib)| kib).sum(),
        by_name,
    };
    report(program, what, &start);
    start
}

/// The READY mark's nanoseconds, or why there was none. The child's stdout is read to its
/// end in a thread, so the app never blocks on a full pipe.
fn wait_ready(child: &mut Child) -> Result<u128, String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (ready, mark) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(ns) = line.strip_prefix("READY ") {
                let _ = ready.send(ns.trim().parse::<u128>().ok());
            }
        }
    });
    match mark.recv_timeout(READY_TIMEOUT) {
        Ok(Some(ns)) => Ok(ns),
        Ok(None) => Err("printed a READY line that is not a number".into()),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "printed no READY within {} s",
            READY_TIMEOUT.as_secs()
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(format!("ended before READY ({:?})", child.wait()))
        }
    }
}

fn report(program: &Path, what: &str, start: &Start) {
    let name = program.file_name().unwrap_or_default().to_string_lossy();
    let parts: Vec<String> = start
        .by_name
        .iter()
        .map(|(n, kib)| format!("{n} {:.1}", *kib as f64 / 1024.0))
        .collect();
    eprintln!(
        "startup: {name} ({what}): {:.1} ms to READY, PSS {:.1} MiB ({})",
        start.ready_ms,
        start.pss_kib as f64 / 1024.0,
        parts.join(", ")
    );
}

/// A process: its id and name (`comm`, at most 15 characters: "WebKitWebProces").
#[derive(Clone)]
struct Proc {
    pid: u32,
    name: String,
}

/// `root` and every process under it, found by walking the parent ids of /proc.
fn descendants(root: u32) -> Vec<Proc> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if let Some(parent) = parent_of(pid) {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut found = Vec::new();
    let mut todo = vec![root];
    while let Some(pid) = todo.pop() {
        if let Some(name) = name_of(pid) {
            found.push(Proc { pid, name });
        }
        todo.extend(children.get(&pid).into_iter().flatten());
    }
    found
}

/// The parent id from /proc/<pid>/stat (after the name in parentheses, which may hold
/// spaces: the state, then the parent).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

fn name_of(pid: u32) -> Option<String> {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(comm.trim().to_string())
}

/// The `Pss:` of a process in KiB (0 once it is gone). keydeck-app makes itself
/// non-dumpable (`keydeck_core::process::harden`), which leaves its smaps to root alone: an
/// unreadable one fails the run rather than counting as nothing.
fn pss_kib(pid: u32) -> u64 {
    let path = format!("/proc/{pid}/smaps_rollup");
    let rollup = match std::fs::read_to_string(&path) {
        Ok(rollup) => rollup,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            panic!("cannot read {path} ({e}): run the start-up bench as root")
        }
        Err(_) => return 0,
    };
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// PSS summed by process name, in the tree's order.
fn pss_by_name(tree: &[Proc]) -> Vec<(String, u64)> {
    let mut sums: Vec<(String, u64)> = Vec::new();
    for proc in tree {
        let kib = pss_kib(proc.pid);
        match sums.iter_mut().find(|(name, _)| *name == proc.name) {
            Some((_, sum)) => *sum += kib,
            None => sums.push((proc.name.clone(), kib)),
        }
    }
    sums
}

/// Stops the window: SIGTERM, then SIGKILL after 5 s; then waits for the processes it started
/// (WebKit's end with it), killing by id any still there after 5 s that still bear their name.
/// The next start must find no window on the same vault (one window per vault).
fn stop(child: &mut Child, tree: &[Proc]) {
    // SAFETY: kill(2) on our own child's id, which it keeps until we wait for it.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    if !until(Duration::from_secs(5), || {
        matches!(child.try_wait(), Ok(Some(_)))
    }) {
        let _ = child.kill();
    }
    let _ = child.wait();
    let alive = |p: &Proc| name_of(p.pid).is_some_and(|n| n == p.name);
    let others: Vec<&Proc> = tree.iter().filter(|p| p.pid != child.id()).collect();
    if !until(Duration::from_secs(5), || !others.iter().any(|p| alive(p))) {
        for proc in others.iter().filter(|p| alive(p)) {
            // SAFETY: kill(2) of a process this window started, checked by name just now.
            unsafe { libc::kill(proc.pid as libc::pid_t, libc::SIGKILL) };
        }
    }
}

/// Polls `done` every 20 ms for up to `limit`; whether it came true.
fn until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > limit {
            return false;
        }
        sleep(Duration::from_millis(20));
    }
    true
}
